/**
 * The HTML reports' browser checks, shared by the report tests: Debian's
 * Chromium started headless at a width, and the 1280 px layout check.
 */
import { existsSync } from "node:fs";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** A headless Chromium with no network chatter, its profile in `profileDir`. */
export async function launchChromium(profileDir: string, width: number): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with 'apt-get update && apt-get install -y chromium'`,
    );
  }
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Everything on the page that breaks the layout at this width, one line each:
 * the page scrolls sideways; a table, chart, card or code block reaches past
 * the page's content column or hides part of its content (scrollWidth beyond
 * its box); two pieces of text overlap (the boxes of HTML text runs and of SVG
 * <text> elements, compared pairwise).
 */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth)
      problems.push(`the page is ${doc.scrollWidth} px wide at ${window.innerWidth} px`);
    const main = (document.querySelector("main") ?? document.body) as HTMLElement;
    const mr = main.getBoundingClientRect();
    const pad = Number.parseFloat(getComputedStyle(main).paddingLeft);
    const left = mr.left + pad - 0.5;
    const right = mr.right - pad + 0.5;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.getAttribute("class") ? `.${el.getAttribute("class")?.split(" ").join(".")}` : ""}${el.getAttribute("data-chart") ? `[${el.getAttribute("data-chart")}]` : ""}`;
    for (const el of document.querySelectorAll(
      "table, svg.chart, figure.chart, pre, .card, .scenario, .figure, dl",
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || !el.checkVisibility()) continue;
      if (r.left < left || r.right > right)
        problems.push(
          `${name(el)} spans ${Math.round(r.left)}-${Math.round(r.right)} px, outside the page's ${Math.round(left)}-${Math.round(right)}`,
        );
      if (!(el instanceof SVGElement) && el.scrollWidth > el.clientWidth + 1)
        problems.push(`${name(el)} hides ${el.scrollWidth - el.clientWidth} px of its content`);
    }
    for (const el of document.querySelectorAll("td, th")) {
      if (el.checkVisibility() && el.scrollWidth > el.clientWidth + 1)
        problems.push(`a cell of ${name(el.closest("table") as Element)} is cut off`);
    }
    type Box = { text: string; l: number; t: number; r: number; b: number; owner: number };
    const boxes: Box[] = [];
    let owner = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? "";
      if (!text.trim()) continue;
      const parent = n.parentElement;
      // text in a closed <details> is laid out but not shown
      if (!parent || parent.closest("title, style") || !parent.checkVisibility()) continue;
      owner++;
      if (parent.closest("svg")) {
        // an SVG <text> element: one box
        const r = parent.getBoundingClientRect();
        if (r.width > 0 && r.height > 0)
          boxes.push({ text, l: r.left, t: r.top, r: r.right, b: r.bottom, owner });
        continue;
      }
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects())
        if (r.width > 0 && r.height > 0)
          boxes.push({ text, l: r.left, t: r.top, r: r.right, b: r.bottom, owner });
    }
    boxes.sort((a, b) => a.t - b.t);
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i];
      for (let j = i + 1; j < boxes.length && boxes[j].t < a.b - 1; j++) {
        const b = boxes[j];
        if (a.owner === b.owner) continue;
        const w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
        const h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
        if (w > 1 && h > 1)
          problems.push(
            `"${a.text.trim().slice(0, 40)}" overlaps "${b.text.trim().slice(0, 40)}" (${w.toFixed(0)} x ${h.toFixed(0)} px)`,
          );
      }
    }
    return problems;
  });
}

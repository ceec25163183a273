/**
 * The HTML reports (gate and tune) in a real headless Chromium (Debian's
 * chromium, driven by playwright-core) at 1280 px: charts render, nothing is
 * fetched, no console errors, the attack-shaped scenario name stays text; no
 * table, chart or code block is wider than the page and no two texts overlap
 * (bounding boxes); the latency charts keep the current run readable beside an
 * 880 ms baseline outlier; the fix SQL is whole and selectable; result format
 * 2's client figures are shown. Screenshots are saved.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../reports/html.ts";
import { renderTuneHtml } from "../../reports/tune-html.ts";
import { CLIENT_SLOW, sampleReport, tuneReport, XSS } from "./fixtures.ts";
import { launchChromium, layoutProblems } from "./layout-check.ts";

const SCREENSHOT_DIR = resolve("results/screenshots");
const WIDTH = 1280;

let context: BrowserContext;
let profile: string;
let dir: string;
const consoleErrors: string[] = [];
const dialogs: string[] = [];
const requests: string[] = [];
const report = sampleReport({ baselineOutlierMs: 880, serviceTimeShare: 0.85 });
const reportV2 = sampleReport({ baselineOutlierMs: 880, serviceTimeShare: 0.85, v2: true });
const tune = tuneReport();
const pages: Record<"gate" | "gateV2" | "tune", Page> = {} as never;

async function open(name: keyof typeof pages, html: string): Promise<void> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${name}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${name}: ${String(e)}`));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  pages[name] = page;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "report-html-"));
  profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  context = await launchChromium(profile, WIDTH);
  await open("gate", renderHtml(report));
  await open("gateV2", renderHtml(reportV2));
  await open("tune", renderTuneHtml(tune));
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A chart's series, in SVG units: the median y of each path and the plot's top and bottom. */
function chartGeometry(page: Page, id: string) {
  return page.$eval(`svg[data-chart="${id}"]`, (svg) => {
    const ys = [...svg.querySelectorAll("line.grid")].map((l) => Number(l.getAttribute("y1")));
    const series: Record<string, number> = {};
    for (const p of svg.querySelectorAll("path.series")) {
      const pts = (p.getAttribute("d") ?? "")
        .split(/[ML]/)
        .filter((s) => s.trim())
        .map((s) => Number(s.trim().split(" ")[1]))
        .sort((a, b) => a - b);
      series[p.querySelector("title")?.textContent ?? ""] = pts[Math.floor(pts.length / 2)];
    }
    return { top: Math.min(...ys), bottom: Math.max(...ys), series };
  });
}

describe("gate HTML report in Chromium", () => {
  it("renders four charts per scenario, each with drawn, non-empty paths", async () => {
    const charts = await pages.gate.$$eval("svg.chart", (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const paths = [...svg.querySelectorAll("path.series")].map((p) => ({
          d: p.getAttribute("d") ?? "",
          length: (p as SVGPathElement).getTotalLength(),
        }));
        return { id: svg.getAttribute("data-chart"), width: box.width, height: box.height, paths };
      }),
    );
    expect(charts).toHaveLength(report.scenarios.length * 4);
    for (const kind of ["latency", "distribution", "throughput", "comparison"]) {
      expect(charts.filter((c) => c.id?.startsWith(`${kind}-`))).toHaveLength(
        report.scenarios.length,
      );
    }
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(300);
      expect(c.height).toBeGreaterThan(100);
      expect(c.paths.length).toBeGreaterThan(0);
      for (const p of c.paths) {
        expect(p.d).toMatch(/^M[\d.]+ [\d.]+ L/);
        expect(p.length).toBeGreaterThan(0);
      }
    }
  });

  it("has no console errors and fetches nothing from the network", () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("shows a scenario named <script>alert(1)</script> as text and runs nothing", async () => {
    const page = pages.gate;
    expect(dialogs).toEqual([]);
    expect(await page.$$eval("script", (s) => s.length)).toBe(0);
    expect(await page.$$eval("img", (s) => s.length)).toBe(0);
    const headings = await page.$$eval("section.scenario h2", (hs) => hs.map((h) => h.textContent));
    expect(headings).toEqual(report.scenarios.map((s) => s.name));
    expect(headings).toContain(XSS);
    const errorsText = await page.$eval("#scenario-2 details.errors", (d) => d.textContent ?? "");
    expect(errorsText).toContain('<img src=x onerror=alert(2)> & "quoted"');
  });

  it("shows the verdicts and the failed targets", async () => {
    const badges = await pages.gate.$$eval("section.scenario header .badge", (b) =>
      b.map((x) => x.textContent),
    );
    expect(badges).toEqual(["regressed", "unchanged", "target failed"]);
    const failedRows = await pages.gate.$$eval("#scenario-2 tr.fail td:first-child", (t) =>
      t.map((x) => x.textContent),
    );
    expect(failedRows).toEqual(expect.arrayContaining(["p(95)<25", "p(99)<50", "rate<0.01"]));
  });

  it("at 1280 px: nothing wider than the page, no text over other text (chart titles and legends included)", async () => {
    expect(await layoutProblems(pages.gate)).toEqual([]);
    expect(await layoutProblems(pages.gateV2)).toEqual([]);
    // each chart's title and legend are laid out apart
    const overlaps = await pages.gate.$$eval("figure.chart", (figs) =>
      figs.flatMap((f) => {
        const title = f.querySelector(".chart-title")?.getBoundingClientRect();
        return [...f.querySelectorAll("ul.legend li")]
          .map((li) => li.getBoundingClientRect())
          .filter(
            (r) =>
              title &&
              r.left < title.right &&
              r.right > title.left &&
              r.top < title.bottom &&
              r.bottom > title.top,
          )
          .map(() => f.getAttribute("data-figure"));
      }),
    );
    expect(overlaps).toEqual([]);
  });

  it("keeps the current run's latency lines apart beside an 880 ms baseline second (logarithmic axis)", async () => {
    const over = await chartGeometry(pages.gate, "latency-0");
    const height = over.bottom - over.top;
    // p50 (~7 ms) and p99 (~22 ms) of the current run: on a linear axis up to 880 ms they lie 2% apart
    expect((over.series.p50 - over.series.p99) / height).toBeGreaterThan(0.15);
    expect(over.series["baseline p95"]).toBeLessThan(over.bottom);
    const spectrum = await chartGeometry(pages.gate, "distribution-0");
    const top = await pages.gate.$eval('svg[data-chart="distribution-0"]', (svg) =>
      [...svg.querySelectorAll("text.tick")].map((t) => t.textContent),
    );
    expect(top).toContain("1k");
    // the current run's median sits in the middle of the plot, not on its floor
    const median = (spectrum.series.latency - spectrum.top) / (spectrum.bottom - spectrum.top);
    expect(median).toBeGreaterThan(0.2);
    expect(median).toBeLessThan(0.8);
  });

  it("version 1 result: latency and service time, the slowest seconds without client columns", async () => {
    const rows = await pages.gate.$$eval("#scenario-0 table.data tbody tr td:first-child", (t) =>
      t.map((x) => x.textContent),
    );
    expect(rows).toEqual(expect.arrayContaining(["latency", "service time"]));
    expect(rows).not.toContain("wait");
    const head = await pages.gate.$$eval("#scenario-0 h3 + table th", (t) =>
      t.map((x) => x.textContent),
    );
    expect(head).toEqual(["second", "p99 ms", "p50 ms", "ok ops"]);
    expect(await pages.gate.textContent("#scenario-0")).toContain("no client figures");
    expect(await pages.gate.textContent("#scenario-0 .figures")).not.toContain("interrupted");
  });

  it("version 2 result: wait beside latency, interrupted, and which slow seconds the client made", async () => {
    const page = pages.gateV2;
    const s = reportV2.scenarios[0].current as unknown as { wait: { p99: number } };
    const wait = await page.$$eval("#scenario-0 table.data tbody tr", (trs) =>
      trs
        .map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent))
        .find((r) => r[0] === "wait"),
    );
    expect(wait?.[4]).toBe(s.wait.p99.toFixed(3));
    expect(await page.textContent("#scenario-0 .figures")).toContain("4interrupted");
    const slow = await page.$$eval("#scenario-0 h3 + table tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    expect(slow).toHaveLength(5);
    expect(slow[0]).toEqual([
      String(CLIENT_SLOW.loop.t),
      "90.0",
      expect.any(String),
      "200",
      "38.0",
      "71.0",
      "2.00",
      "client (event loop)",
    ]);
    expect(slow[1]).toEqual([
      String(CLIENT_SLOW.gc.t),
      "80.0",
      expect.any(String),
      "200",
      "3.00",
      "9.00",
      "55.0",
      "client (GC)",
    ]);
    for (const r of slow.slice(2)) expect(r[7]).toBe("-");
    expect(await page.textContent("#scenario-0")).not.toContain("no client figures");
  });
});

describe("tune HTML report in Chromium", () => {
  it("at 1280 px: nothing wider than the page, no text over other text", async () => {
    expect(await layoutProblems(pages.tune)).toEqual([]);
  });

  it("has the gate report's layout: the same stylesheet, a heading with a badge, cards", async () => {
    const style = (p: Page) => p.$eval("style", (s) => s.textContent);
    expect(await style(pages.tune)).toBe(await style(pages.gate));
    expect(await pages.tune.textContent(".top .badge")).toBe("21 findings");
    expect(await pages.tune.$$eval("section.card h2", (h) => h.map((x) => x.textContent))).toEqual(
      expect.arrayContaining(["Findings (21: 4 high, 14 medium, 3 low)", "Access patterns"]),
    );
  });

  it("shows every fix's SQL whole, visible and selectable in one click; long evidence folded", async () => {
    const shown = await pages.tune.$$eval(".finding", (fs) =>
      fs.map((f) => {
        const pre = f.querySelector("pre.sql") as HTMLElement | null;
        const r = pre?.getBoundingClientRect();
        return {
          fix: pre?.textContent ?? null,
          visible: !!r && r.width > 0 && r.height > 0,
          whole:
            !!pre && pre.scrollWidth <= pre.clientWidth && pre.scrollHeight <= pre.clientHeight,
          select: pre ? getComputedStyle(pre).userSelect : null,
          summary: f.querySelector("details.evidence > summary")?.textContent ?? null,
          rest: f.querySelector("details.evidence > p")?.textContent ?? null,
          open: (f.querySelector("details.evidence") as HTMLDetailsElement | null)?.open ?? null,
        };
      }),
    );
    expect(shown).toHaveLength(tune.findings.length);
    tune.findings.forEach((f, i) => {
      const s = shown[i];
      expect(s.fix).toBe(f.fix);
      if (!f.fix) return;
      expect(s).toMatchObject({ visible: true, whole: true, select: "all" });
      if (f.evidence.length > 280) {
        expect(s.open).toBe(false);
        expect(`${s.summary?.replace(/ …$/, "")} ${s.rest?.replace(/^… /, "")}`).toBe(f.evidence);
      } else {
        expect(s.summary).toBeNull();
      }
    });
    expect(shown.filter((s) => s.summary !== null).length).toBeGreaterThan(0);
    const script = await pages.tune.$eval("details pre.sql", (p) => p.textContent);
    expect(script).toBe(
      tune.findings
        .map((f) => f.fix)
        .filter(Boolean)
        .join("\n"),
    );
  });
});

describe("screenshots at 1280 px", () => {
  /**
   * Each report whole, and its top as docs/img shows it: the gate report to the
   * end of its first scenario, the tune report to the end of its seventh finding.
   */
  it("saves the gate and tune reports", async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    for (const [name, page, last] of [
      ["gate-report-1280", pages.gateV2, "#scenario-0"],
      ["tune-report-1280", pages.tune, ".finding:nth-of-type(7)"],
    ] as const) {
      const full = join(SCREENSHOT_DIR, `${name}-full.png`);
      await page.screenshot({ path: full, fullPage: true });
      expect(statSync(full).size).toBeGreaterThan(50_000);
      const bottom = await page.$eval(last, (el) => el.getBoundingClientRect().bottom + 6);
      const top = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({
        path: top,
        fullPage: true,
        clip: { x: 0, y: 0, width: WIDTH, height: Math.ceil(bottom) },
      });
      expect(statSync(top).size).toBeGreaterThan(50_000);
    }
  });
});

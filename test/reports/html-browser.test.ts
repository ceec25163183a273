/**
 * The HTML report in a real headless Chromium (Debian's chromium, driven by
 * playwright-core): charts render, nothing is fetched, no console errors, the
 * attack-shaped scenario name stays text, and a screenshot is saved.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../reports/html.ts";
import { sampleReport, XSS } from "./fixtures.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT_DIR = resolve("results/screenshots");

let context: BrowserContext;
let page: Page;
let profile: string;
const consoleErrors: string[] = [];
const dialogs: string[] = [];
const requests: string[] = [];
const report = sampleReport();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with 'apt-get update && apt-get install -y chromium'`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "gate-html-"));
  const file = join(dir, "report.html");
  writeFileSync(file, renderHtml(report));
  profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
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
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe("HTML report in Chromium", () => {
  it("renders four charts per scenario, each with drawn, non-empty paths", async () => {
    const charts = await page.$$eval("svg.chart", (svgs) =>
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
    const badges = await page.$$eval("section.scenario header .badge", (b) =>
      b.map((x) => x.textContent),
    );
    expect(badges).toEqual(["regressed", "unchanged", "target failed"]);
    const failedRows = await page.$$eval("#scenario-2 tr.fail td:first-child", (t) =>
      t.map((x) => x.textContent),
    );
    expect(failedRows).toEqual(expect.arrayContaining(["p(95)<25", "p(99)<50", "rate<0.01"]));
  });

  it("saves a screenshot", async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = join(SCREENSHOT_DIR, "gate-report.png");
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(50_000);
  });
});

/**
 * The capacity report's HTML page in a real headless Chromium at 1280 px
 * passes the reports' layout check (nothing wider than the page, no text over
 * other text), fetches nothing, runs nothing, and draws its charts through
 * reports/svg.ts (cost, vCPUs and partitions on a log user axis, latency per
 * pattern with the USL fit and the knee), with the what-if tables. Saves a
 * screenshot.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES, loadPrices } from "../../capacity/prices.ts";
import { DEFAULT_PROFILE, loadProfile } from "../../capacity/profile.ts";
import { buildReport, whatIf } from "../../capacity/projection.ts";
import { DEFAULT_ASSUMPTIONS } from "../../capacity/projection-types.ts";
import { renderCapacityHtml } from "../../reports/capacity-html.ts";
import { launchChromium, layoutProblems } from "../reports/layout-check.ts";
import { type FixtureOptions, fixtureSweep } from "./fixtures/sweep.ts";

const WIDTH = 1280;
let context: BrowserContext;
let page: Page;
let dir: string;
let profileDir: string;
const requests: string[] = [];
const errors: string[] = [];

const profile = loadProfile(DEFAULT_PROFILE);
const prices = loadPrices(DEFAULT_PRICES);
const build = (o: FixtureOptions) =>
  buildReport({
    sweep: fixtureSweep(o),
    sweepFile: `sweep-${o.indexSet ?? "seed"}-${o.dynamoVariant ?? "design"}.json`,
    profile,
    prices,
    assumptions: DEFAULT_ASSUMPTIONS,
  });
const report = build({});
const whatIfs = [
  whatIf("index sets", [
    { label: "seed", report },
    { label: "tuned", report: build({ indexSet: "tuned" }) },
  ]),
  whatIf("DynamoDB variants", [
    { label: "design", report },
    { label: "sharded", report: build({ dynamoVariant: "sharded" }) },
  ]),
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "capacity-html-"));
  profileDir = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  context = await launchChromium(profileDir, WIDTH);
  const file = join(dir, "capacity.html");
  writeFileSync(file, renderCapacityHtml(report, whatIfs));
  page = await context.newPage();
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("capacity HTML report at 1280 px", () => {
  it("passes the layout check, fetches nothing and logs no error", async () => {
    expect(await layoutProblems(page)).toEqual([]);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.$$eval("script", (s) => s.length)).toBe(0);
  });

  it("opens with the summary, then draws every chart with non-empty paths", async () => {
    const cards = await page.$$eval("section.card", (s) => s.map((c) => c.id));
    expect(cards.slice(0, 3)).toEqual(["summary", "charts", "cost"]);
    expect(cards).toEqual(
      expect.arrayContaining(["what-if-index-sets", "what-if-DynamoDB-variants"]),
    );
    const charts = await page.$$eval("svg.chart", (svgs) =>
      svgs.map((svg) => ({
        id: svg.getAttribute("data-chart"),
        paths: [...svg.querySelectorAll("path.series")].map((p) =>
          (p as SVGPathElement).getTotalLength(),
        ),
        ticks: [...svg.querySelectorAll("text.tick")].map((t) => t.textContent),
      })),
    );
    const ids = charts.map((c) => c.id);
    expect(ids.slice(0, 3)).toEqual(["cost", "vcpu", "partition"]);
    expect(ids.filter((i) => i?.startsWith("latency-"))).toHaveLength(report.patterns.length);
    // every chart draws lines (a knee is one point: a dot, its path of length 0)
    for (const c of charts) expect(Math.max(...c.paths), String(c.id)).toBeGreaterThan(0);
    // the user axis is logarithmic from 100k: 1-2-5 ticks
    expect(charts[0].ticks).toEqual(expect.arrayContaining(["100k", "1M", "10M"]));
    // each latency chart has its USL fit and its knee in the legend
    const legends = await page.$$eval('figure[data-figure^="latency-"] ul.legend', (ls) =>
      ls.map((l) => l.textContent ?? ""),
    );
    for (const l of legends) {
      expect(l).toContain("USL fit");
      expect(l).toContain("knee");
    }
  });

  it("saves a screenshot of the report", async () => {
    const out = resolve("results/screenshots");
    mkdirSync(out, { recursive: true });
    const full = join(out, "capacity-report-1280-full.png");
    await page.screenshot({ path: full, fullPage: true });
    expect(statSync(full).size).toBeGreaterThan(50_000);
  });
});

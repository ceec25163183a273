/**
 * The price table's region, file, and every price's source and the date it
 * was read appear in every report format: terminal, Markdown, HTML and the
 * JSON figures (--prices FILE for another table).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { escapeHtml } from "../../reports/escape.ts";
import { runCapacityReport } from "../../scripts/commands/capacity-report.ts";
import { captured } from "./fixtures/capture.ts";
import { fixtureSweep } from "./fixtures/sweep.ts";

const dir = mkdtempSync(join(tmpdir(), "capacity-prices-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("price sources in every report", () => {
  it("terminal, Markdown, HTML and JSON name each price's source and date", async () => {
    const table = JSON.parse(readFileSync("capacity/prices/us-east-1.json", "utf8"));
    // a table of our own: its own region, one source and date changed
    table.region = "eu-test-1";
    table.dynamodb.storageGiBMonth.source = "the test's own price page & notes";
    table.dynamodb.storageGiBMonth.read = "2026-11-30";
    const prices = join(dir, "prices.json");
    writeFileSync(prices, JSON.stringify(table));
    const sweep = join(dir, "sweep.json");
    writeFileSync(sweep, JSON.stringify(fixtureSweep()));
    const md = join(dir, "r.md");
    const html = join(dir, "r.html");
    const out = join(dir, "r.json");
    const { result: code, out: stdout } = await captured(() =>
      runCapacityReport([
        "--from",
        sweep,
        "--prices",
        prices,
        "--markdown",
        md,
        "--html",
        html,
        "--out",
        out,
      ]),
    );
    expect(code).toBe(0);
    const texts = {
      terminal: stdout,
      markdown: readFileSync(md, "utf8"),
      html: readFileSync(html, "utf8"),
    };
    const sources = new Set<string>([table.hoursPerMonth.source]);
    for (const i of table.aurora.instances) sources.add(i.hourly.source);
    for (const p of Object.values(table.dynamodb) as { source: string }[]) sources.add(p.source);
    for (const [format, text] of Object.entries(texts)) {
      const shown =
        format === "html"
          ? escapeHtml
          : format === "markdown"
            ? (s: string) => escapeHtml(s).replace(/([\\`*_[\]|])/g, "\\$1")
            : (s: string) => s;
      expect(text, format).toContain("eu-test-1");
      expect(text, format).toContain(prices);
      for (const s of sources) expect(text, `${format}: ${s}`).toContain(shown(s));
      expect(text, format).toContain("2026-11-30");
      expect(text, format).toContain("2026-12-02");
    }
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json.prices.region).toBe("eu-test-1");
    expect(json.prices.file).toBe(prices);
    const storage = json.prices.list.find((p: { name: string }) => p.name === "dynamodb storage");
    expect(storage).toMatchObject({
      value: 0.25,
      source: "the test's own price page & notes",
      read: "2026-11-30",
    });
    // hours a month, each instance, six more Aurora prices, five DynamoDB prices
    expect(json.prices.list.length).toBe(1 + table.aurora.instances.length + 6 + 5);
  });
});

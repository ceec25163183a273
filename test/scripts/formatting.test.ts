import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { millis, num, plural } from "../../core/format.ts";
import { terminal } from "../../scripts/commands/tune.ts";
import type { TuneReport } from "../../tuning/session.ts";
import { runCli } from "../helpers/cli.ts";
import { buildRun } from "../helpers/results.ts";

/** Issue 12, item 10: thousands separators, "1 index", latencies to three significant digits. */

it("formats counts, rates and latencies as every command prints them", () => {
  expect(num(33500)).toBe("33,500");
  expect(num(4375105.44, 1)).toBe("4,375,105.4");
  expect(millis(1556.479)).toBe("1,556 ms");
  expect(millis(15.5612)).toBe("15.6 ms");
  expect(millis(1.55612)).toBe("1.56 ms");
  expect(plural(1, "index", "indexes")).toBe("1 index");
  expect(plural(3, "index", "indexes")).toBe("3 indexes");
});

it("merge prints p95 and p99 with three significant digits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bb-fmt-"));
  const spec = (index: number) => ({
    name: "trending",
    seed: 9,
    durationS: 5,
    rate: 200,
    errorRate: 0,
    thresholds: [],
    share: { index, of: 2 },
  });
  writeFileSync(join(dir, "a.json"), JSON.stringify(buildRun({ id: "a", scenarios: [spec(0)] })));
  writeFileSync(join(dir, "b.json"), JSON.stringify(buildRun({ id: "b", scenarios: [spec(1)] })));
  const r = await runCli([
    "merge",
    join(dir, "a.json"),
    join(dir, "b.json"),
    "--out",
    join(dir, "m.json"),
  ]);
  expect(r.code, r.stderr).toBe(0);
  const m = /p95 (\S+) ms p99 (\S+) ms/.exec(r.stdout);
  expect(m, r.stdout).not.toBeNull();
  // 1,556 / 15.6 / 1.56: whole milliseconds from 100 up, else three significant digits
  for (const v of [m![1], m![2]])
    expect(v).toMatch(/^(\d{3}|\d{1,3}(,\d{3})+|\d{2}\.\d|\d\.\d{2}|0\.\d{2})$/);
});

it("tune's A/B lines: thousands separators and '1 index'", () => {
  const lat = { p50: 1, p95: 2, p99: 3, mean: 1, count: 10 };
  const report = {
    patterns: [],
    findings: [],
    notes: [],
    data: { scale: "tiny", seed: 1, indexSet: "seed" },
    capabilities: { pgStatStatements: "x", whatIf: "y" },
    proposed: { name: "tuned", dropped: [], added: [] },
    ab: {
      durationMs: 1000,
      vus: 2,
      affectedTables: ["users"],
      sets: [
        {
          set: "seed",
          patterns: [
            { pattern: "profile", latency: lat, throughput: 12345.6, errors: 0, blocks: null },
          ],
          inserts: [{ table: "users", rowsPerSecond: 33500, indexes: 1 }],
        },
        {
          set: "tuned",
          patterns: [
            { pattern: "profile", latency: lat, throughput: 2345, errors: 0, blocks: null },
          ],
          inserts: [{ table: "users", rowsPerSecond: 29000.4, indexes: 2 }],
        },
      ],
    },
  } as unknown as TuneReport;
  const text = terminal(report);
  expect(text).toContain(
    "insert users                  33,500 rows/s (1 index) -> 29,000 rows/s (2 indexes)",
  );
  expect(text).toMatch(/12,346 ops\/s -> .* 2,345 ops\/s/);
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeHistogram } from "../../core/histogram.ts";
import type { RunResult } from "../../core/result.ts";
import { mergeRuns } from "../../results/merge.ts";
import { runCli } from "../helpers/cli.ts";
import { buildRun, type ScenarioSpec } from "../helpers/results.ts";

const TH: ScenarioSpec["thresholds"] = [
  "p(95)<8",
  "p(99)<40",
  ["errors", "rate<0.05"],
  ["throughput", "throughput>150"],
];
const spec = (extra: Partial<ScenarioSpec> = {}): ScenarioSpec => ({
  name: "trending",
  seed: 9,
  durationS: 20,
  rate: 200,
  errorRate: 0.01,
  thresholds: TH,
  ...extra,
});
const half = (index: number, id: string, startedAt?: string): RunResult =>
  buildRun({ id, startedAt, scenarios: [spec({ share: { index, of: 2 } })] });

/** One histogram bucket at 3 significant digits, in ms. */
const bucket = (ms: number) => Math.max(0.001, ms * 0.001) * 2;

describe("merge of two generators of one run", () => {
  it("two halves merge into the whole: counts, throughput, percentiles within a bucket", () => {
    const whole = buildRun({ scenarios: [spec()] }).scenarios[0];
    const merged = mergeRuns([
      { file: "a.json", run: half(0, "a") },
      { file: "b.json", run: half(1, "b") },
    ]);
    const m = merged.scenarios[0];
    expect(m.operations.ok).toBe(whole.operations.ok);
    expect(m.operations.errors).toEqual(whole.operations.errors);
    expect(m.throughput).toBeCloseTo(whole.throughput, 6);
    expect(m.errorRate).toBeCloseTo(whole.errorRate, 9);
    expect(m.generators).toBe(2);
    for (const k of ["p50", "p90", "p95", "p99", "p999", "max", "min"] as const) {
      expect(Math.abs(m.latency[k] - whole.latency[k])).toBeLessThanOrEqual(
        bucket(whole.latency[k]),
      );
    }
    expect(decodeHistogram(m.histograms.latency).totalCount).toBe(whole.operations.ok);
    // per-second counts add up second by second
    expect(m.timeSeries.map((p) => p.ops)).toEqual(whole.timeSeries.map((p) => p.ops));
    expect(m.timeSeries.map((p) => p.errors)).toEqual(whole.timeSeries.map((p) => p.errors));
    // thresholds re-evaluated on the merged figures, same verdicts as on the whole
    expect(m.thresholds.map((t) => [t.expression, t.ok])).toEqual(
      whole.thresholds.map((t) => [t.expression, t.ok]),
    );
    expect(m.thresholds.find((t) => t.expression === "throughput>150")!.ok).toBe(true);
    expect(m.model).toMatchObject({ type: "open", rate: 200 });
  });

  it("aligns the per-second series by wall-clock second", () => {
    const a = half(0, "a", "2026-11-24T10:00:00.000Z");
    const b = half(1, "b", "2026-11-24T10:00:03.000Z");
    const m = mergeRuns([
      { file: "a.json", run: a },
      { file: "b.json", run: b },
    ]).scenarios[0];
    expect(m.timeSeries).toHaveLength(23);
    expect(m.timeSeries[0].ops).toBe(a.scenarios[0].timeSeries[0].ops);
    expect(m.timeSeries[3].ops).toBe(
      a.scenarios[0].timeSeries[3].ops + b.scenarios[0].timeSeries[0].ops,
    );
    expect(m.timeSeries[22].ops).toBe(b.scenarios[0].timeSeries[19].ops);
  });

  it("the CLI writes a merged result that gate accepts, and refuses another scale or scenario", async () => {
    const dir = mkdtempSync(join(tmpdir(), "merge-"));
    const p = (n: string) => join(dir, n);
    writeFileSync(p("a.json"), JSON.stringify(half(0, "a")));
    writeFileSync(p("b.json"), JSON.stringify(half(1, "b")));
    writeFileSync(
      p("medium.json"),
      JSON.stringify(buildRun({ scale: "medium", scenarios: [spec()] })),
    );
    writeFileSync(
      p("other.json"),
      JSON.stringify(buildRun({ scenarios: [spec({ name: "feed" })] })),
    );
    const ok = await runCli(["merge", p("a.json"), p("b.json"), "--out", p("m.json")]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Merged 2 results \(2 generators\)/);
    const merged = JSON.parse(readFileSync(p("m.json"), "utf8")) as RunResult;
    expect(merged.scenarios[0].generators).toBe(2);
    // gate reads the merged result: p(95)<8 fails on this distribution (p95 is about 11 ms)
    const gated = await runCli(["gate", p("m.json")]);
    expect(gated.code).toBe(1);
    expect(gated.stdout).toMatch(/latency p\(95\)<8 failed, actual 1\d\.\d+ ms/);
    expect(gated.stdout).toMatch(/trending .* 4\/5 passed/);

    // an hour later: another run, not another generator of this one
    writeFileSync(p("late.json"), JSON.stringify(half(1, "late", "2026-11-24T11:00:00.000Z")));
    for (const [other, problem] of [
      ["medium.json", /scale 'medium'/],
      ["other.json", /scenarios \[feed\]/],
      [
        "a.json",
        /a\.json and .*a\.json both hold result a; pass each load generator's result once/,
      ],
      [
        "late.json",
        /late\.json \(2026-11-24T11:00:00\.000Z to .*\) did not run at the same time as .*a\.json/,
      ],
      // a merged result stands for its inputs: merging it with one of them again is refused
      ["m.json", /m\.json and .*a\.json both hold result a/],
    ] as const) {
      const r = await runCli(["merge", p("a.json"), p(other), "--out", p(`x-${other}`)]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(other);
      expect(r.stderr).toMatch(problem);
    }
    const noOut = await runCli(["merge", p("a.json"), p("b.json")]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out FILE is required/);
  });
});

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  recordUs,
  summarize,
} from "../../core/histogram.ts";
import type { RunResult, ScenarioResult } from "../../core/result.ts";
import { combineRepeats, mergeRuns } from "../../results/merge.ts";
import { runCli } from "../helpers/cli.ts";
import { buildRun, type ScenarioSpec } from "../helpers/results.ts";

const spec = (extra: Partial<ScenarioSpec> = {}): ScenarioSpec => ({
  name: "trending",
  seed: 3,
  durationS: 10,
  rate: 300,
  sigma: 0.9,
  ...extra,
});
/** One generator's result; `startedAt` is both the run's start and the window's. */
const gen = (id: string, extra: Partial<ScenarioSpec> = {}, startedAt?: string): RunResult =>
  buildRun({ id, startedAt, scenarios: [spec({ startedAt, ...extra })] });

/** p99 in ms of the sum of two encoded histograms (hdr-histogram-js's own add). */
function p99OfSum(a: string | null, b: string | null): number {
  const h = createHistogram(3);
  if (a) h.add(decodeHistogram(a));
  if (b) h.add(decodeHistogram(b));
  return summarize(h).p99;
}

describe("merge keeps each second's histogram (result version 2)", () => {
  it("per-second p99 of two generators is the p99 of their added per-second histograms", () => {
    // different latency distributions: a weighted mean of the two p99s is far from the truth
    const a = gen("a", { seed: 1, medianMs: 2, sigma: 0.3 }, "2026-11-24T10:00:00.000Z");
    const b = gen("b", { seed: 2, medianMs: 30, sigma: 0.8, rate: 40 }, "2026-11-24T10:00:00.000Z");
    const m = mergeRuns([
      { file: "a.json", run: a },
      { file: "b.json", run: b },
    ]).scenarios[0];
    const ha = a.scenarios[0].histograms.seconds!;
    const hb = b.scenarios[0].histograms.seconds!;
    expect(m.histograms.seconds).toHaveLength(10);
    for (let t = 0; t < 10; t++) {
      expect(m.timeSeries[t].p99).toBe(p99OfSum(ha[t], hb[t]));
      expect(decodeHistogram(m.histograms.seconds![t]!).totalCount).toBe(
        m.timeSeries[t].ops + m.timeSeries[t].errors,
      );
    }
    // the old rule (ops-weighted mean of the p99s) would say something else
    const weighted =
      (a.scenarios[0].timeSeries[0].p99 * a.scenarios[0].timeSeries[0].ops +
        b.scenarios[0].timeSeries[0].p99 * b.scenarios[0].timeSeries[0].ops) /
      (a.scenarios[0].timeSeries[0].ops + b.scenarios[0].timeSeries[0].ops);
    expect(Math.abs(m.timeSeries[0].p99 - weighted)).toBeGreaterThan(1);
  });

  it("two halves of one stream merge into exactly the whole's per-second percentiles", () => {
    const whole = buildRun({ scenarios: [spec()] }).scenarios[0];
    const m = mergeRuns([
      { file: "a.json", run: gen("a", { share: { index: 0, of: 2 } }) },
      { file: "b.json", run: gen("b", { share: { index: 1, of: 2 } }) },
    ]).scenarios[0];
    expect(m.timeSeries.map((p) => [p.p50, p.p95, p.p99, p.max])).toEqual(
      whole.timeSeries.map((p) => [p.p50, p.p95, p.p99, p.max]),
    );
  });

  it("aligns per-second histograms on each generator's windowStart", () => {
    const a = gen("a", { seed: 1 }, "2026-11-24T10:00:00.000Z");
    const b = gen("b", { seed: 2 }, "2026-11-24T10:00:02.000Z");
    // the runs started together; only the windows differ (b's setup took longer)
    b.startedAt = a.startedAt;
    const m = mergeRuns([
      { file: "a.json", run: a },
      { file: "b.json", run: b },
    ]).scenarios[0];
    expect(m.windowStart).toBe("2026-11-24T10:00:00.000Z");
    expect(m.timeSeries).toHaveLength(12);
    const ha = a.scenarios[0].histograms.seconds!;
    const hb = b.scenarios[0].histograms.seconds!;
    expect(m.timeSeries[1].p99).toBe(p99OfSum(ha[1], null));
    expect(m.timeSeries[5].p99).toBe(p99OfSum(ha[5], hb[3]));
    expect(m.timeSeries[11].p99).toBe(p99OfSum(null, hb[9]));
  });

  it("carries every version 2 field: wait, interrupted, warm-up, client figures, aborted", () => {
    const withV2 = (run: RunResult, n: number, client: number, aborted?: number): RunResult => {
      const s = run.scenarios[0];
      const wait = createHistogram(3);
      for (let i = 1; i <= 100; i++) recordUs(wait, i * 100 * n);
      s.histograms.wait = encodeHistogram(wait);
      s.wait = summarize(wait);
      s.operations.interrupted = n;
      s.warmup = { ok: 10 * n, errors: n };
      s.timeSeries.forEach((p, t) => {
        p.client = { loopDelayP99Ms: client + t, loopDelayMaxMs: 2 * client, gcMs: client / 2 };
      });
      if (aborted !== undefined) {
        s.aborted = { reason: "threshold p(95)<5 failed", atS: aborted };
        run.aborted = { reason: "threshold p(95)<5 failed" };
      }
      return run;
    };
    const a = withV2(gen("a", { seed: 1 }, "2026-11-24T10:00:00.000Z"), 1, 3);
    const b = withV2(gen("b", { seed: 2 }, "2026-11-24T10:00:01.000Z"), 2, 5, 7);
    const merged = mergeRuns([
      { file: "a.json", run: a },
      { file: "b.json", run: b },
    ]);
    const m = merged.scenarios[0];
    expect(m.operations.interrupted).toBe(3);
    expect(m.warmup).toEqual({ ok: 30, errors: 3 });
    const wait = decodeHistogram(m.histograms.wait!);
    expect(wait.totalCount).toBe(200);
    expect(m.wait!.max).toBeCloseTo(20, 1);
    // second 1: a's second 1 and b's second 0: the worst of each figure
    expect(m.timeSeries[0].client).toEqual({ loopDelayP99Ms: 3, loopDelayMaxMs: 6, gcMs: 1.5 });
    expect(m.timeSeries[1].client).toEqual({ loopDelayP99Ms: 5, loopDelayMaxMs: 10, gcMs: 2.5 });
    expect(m.timeSeries[10].client).toEqual({ loopDelayP99Ms: 14, loopDelayMaxMs: 10, gcMs: 2.5 });
    // b stopped 7 s into its window, which began 1 s after a's
    expect(m.aborted).toEqual({ reason: "threshold p(95)<5 failed", atS: 8 });
    expect(merged.aborted).toEqual({ reason: "threshold p(95)<5 failed" });
    expect(merged.version).toBe(2);

    // repeated runs (gate): the same fields, series and histograms concatenated
    const joined = combineRepeats([a.scenarios[0], b.scenarios[0]]);
    expect(joined.operations.interrupted).toBe(3);
    expect(joined.warmup).toEqual({ ok: 30, errors: 3 });
    expect(decodeHistogram(joined.histograms.wait!).totalCount).toBe(200);
    expect(joined.histograms.seconds).toHaveLength(20);
    expect(joined.histograms.seconds![12]).toBe(b.scenarios[0].histograms.seconds![2]);
    expect(joined.timeSeries[12].client).toEqual(b.scenarios[0].timeSeries[2].client);
    expect(joined.aborted).toEqual({ reason: "threshold p(95)<5 failed", atS: 17 });
  });

  it("a part without a wait histogram (version 1) leaves the merged wait out", () => {
    const a = gen("a", { seed: 1 });
    const b = gen("b", { seed: 2 });
    const h = createHistogram(3);
    recordUs(h, 1000);
    a.scenarios[0].histograms.wait = encodeHistogram(h);
    a.scenarios[0].wait = summarize(h);
    const m = mergeRuns([
      { file: "a.json", run: a },
      { file: "b.json", run: b },
    ]).scenarios[0];
    expect(m.wait).toBeUndefined();
    expect(m.histograms.wait).toBeUndefined();
  });
});

describe("merge of generators with different windows", () => {
  /** A run of `seconds` s at `rate`/s, ok only, throughput from in-window completions. */
  const window = (id: string, seconds: number, rate: number): RunResult =>
    gen(id, { seed: seconds, durationS: seconds, rate }, "2026-11-24T10:00:00.000Z");

  it("3 s at 20/s and 4 s at 30/s: refused in one line naming both, exit 2, nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "merge-windows-"));
    writeFileSync(join(dir, "three.json"), JSON.stringify(window("three", 3, 20)));
    writeFileSync(join(dir, "four.json"), JSON.stringify(window("four", 4, 30)));
    const out = join(dir, "m.json");
    const r = await runCli([
      "merge",
      join(dir, "three.json"),
      join(dir, "four.json"),
      "--out",
      out,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /four\.json: scenario "trending" measured 4 s but .*three\.json measured 3 s; merge only generators whose windows differ by less than 1 s \(run each with the same --duration\)/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("windows within 1 s: the throughputs add, counts add, the longest window is kept", async () => {
    const a = window("a", 10, 20);
    const b = window("b", 10, 30);
    b.scenarios[0].durationMs = 10_600; // b's window ran 0.6 s longer: accepted
    b.scenarios[0].throughput = 300 / 10.6;
    const dir = mkdtempSync(join(tmpdir(), "merge-windows-"));
    writeFileSync(join(dir, "a.json"), JSON.stringify(a));
    writeFileSync(join(dir, "b.json"), JSON.stringify(b));
    const r = await runCli([
      "merge",
      join(dir, "a.json"),
      join(dir, "b.json"),
      "--out",
      join(dir, "m.json"),
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const m = (JSON.parse(readFileSync(join(dir, "m.json"), "utf8")) as RunResult).scenarios[0];
    expect(m.operations.ok).toBe(500);
    expect(m.durationMs).toBe(10_600);
    expect(m.throughput).toBeCloseTo(20 + 300 / 10.6, 3);
  });
});

describe("repeated runs (gate) count throughput from in-window completions", () => {
  it("operations that completed after a run's window add to ok but not to throughput", () => {
    const part = (seed: number): ScenarioResult => {
      const s = gen(`r${seed}`, { seed, durationS: 10, rate: 100 }).scenarios[0];
      // 50 of its operations completed after the window: in ok, not in throughput
      s.operations.interrupted = 50;
      s.throughput = (s.operations.ok - 50) / 10;
      return s;
    };
    const parts = [part(1), part(2)];
    const joined = combineRepeats(parts);
    expect(joined.operations.ok).toBe(parts[0].operations.ok + parts[1].operations.ok);
    expect(joined.operations.interrupted).toBe(100);
    expect(joined.throughput).toBeCloseTo((joined.operations.ok - 100) / 20, 3);
  });
});

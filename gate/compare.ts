/**
 * One scenario against its baseline: p50, p95, p99 and throughput, each judged
 * on the per-second samples of the time series (several runs on a side are
 * kept apart as groups for the bootstrap).
 *
 * A metric regresses when BOTH hold:
 * - Mann-Whitney U, one-sided: the current per-second values are worse than
 *   the baseline's with p < 1 - confidence;
 * - the bootstrap interval (at the confidence level) of the ratio current /
 *   baseline lies entirely beyond the tolerance: its lower bound above
 *   1 + tolerance for latency, its upper bound below 1 - tolerance for
 *   throughput. Latency percentiles compare the medians of the per-second
 *   values (robust to a few bad seconds); throughput compares the means of
 *   the per-second operation counts (the mean is the throughput, and it stays
 *   defined when many seconds are empty).
 * Improvement is the mirror image. Anything else is unchanged: a difference
 * that noise could explain, or one smaller than the tolerance, never flips it.
 */

import { median } from "../core/median.ts";
import type { ScenarioResult, TimeSeriesPoint } from "../core/result.ts";
import { bootstrapRatioOfMedians, hashSeed, mannWhitneyU, mean } from "./stats.ts";

export type MetricName = "p50" | "p95" | "p99" | "throughput";
export const METRICS: readonly MetricName[] = ["p50", "p95", "p99", "throughput"];

export type MetricVerdict = "regressed" | "improved" | "unchanged";

export interface MetricComparison {
  metric: MetricName;
  unit: "ms" | "ops/s";
  /** whole-run figure: the histogram percentile or the run throughput */
  baseline: number;
  current: number;
  /** the statistic (median; mean for throughput) of the per-second samples the test used */
  baselineMedian: number;
  currentMedian: number;
  /** currentMedian / baselineMedian, with its bootstrap interval; the whole-run ratio when too few samples */
  ratio: number;
  ciLow: number;
  ciHigh: number;
  /** one-sided Mann-Whitney p-values: current worse / current better */
  pWorse: number;
  pBetter: number;
  samples: { baseline: number; current: number };
  verdict: MetricVerdict;
  /** why a verdict could not be reached, e.g. too few samples */
  note?: string;
}

export interface CompareOptions {
  /** fraction, e.g. 0.1 for 10% */
  tolerance: number;
  /** e.g. 0.95 */
  confidence: number;
  seed: number;
  resamples: number;
}

/** At least this many per-second samples on each side before a verdict other than unchanged. */
export const MIN_SAMPLES = 5;

/** The per-second samples of one run for a metric. */
export function perSecondSamples(s: ScenarioResult, metric: MetricName): number[] {
  // Only full seconds: a trailing partial second would read as a throughput drop, and
  // its percentiles may rest on one operation. Latency only from seconds with operations.
  const full = Math.floor(s.durationMs / 1000);
  const usable =
    metric === "throughput" ? s.timeSeries : s.timeSeries.filter((p: TimeSeriesPoint) => p.ops > 0);
  const inFull = usable.filter((p) => p.t < full);
  return (inFull.length > 0 ? inFull : usable).map((p) =>
    metric === "throughput" ? p.ops : p[metric],
  );
}

function wholeRun(s: ScenarioResult, metric: MetricName): number {
  return metric === "throughput" ? s.throughput : s.latency[metric];
}

export function compareMetric(
  name: string,
  metric: MetricName,
  baselineRuns: ScenarioResult[],
  currentRuns: ScenarioResult[],
  baselineWhole: ScenarioResult,
  currentWhole: ScenarioResult,
  opts: CompareOptions,
): MetricComparison {
  const b = baselineRuns.map((s) => perSecondSamples(s, metric)).filter((g) => g.length > 0);
  const c = currentRuns.map((s) => perSecondSamples(s, metric)).filter((g) => g.length > 0);
  const bFlat = b.flat();
  const cFlat = c.flat();
  const higherIsBetter = metric === "throughput";
  const stat = higherIsBetter ? mean : median;
  const out: MetricComparison = {
    metric,
    unit: higherIsBetter ? "ops/s" : "ms",
    baseline: wholeRun(baselineWhole, metric),
    current: wholeRun(currentWhole, metric),
    baselineMedian: stat(bFlat),
    currentMedian: stat(cFlat),
    ratio: Number.NaN,
    ciLow: Number.NaN,
    ciHigh: Number.NaN,
    pWorse: Number.NaN,
    pBetter: Number.NaN,
    samples: { baseline: bFlat.length, current: cFlat.length },
    verdict: "unchanged",
  };
  if (bFlat.length < MIN_SAMPLES || cFlat.length < MIN_SAMPLES) {
    out.note = `too few per-second samples to judge (baseline ${bFlat.length}, current ${cFlat.length}; need ${MIN_SAMPLES} each)`;
    if (out.baseline > 0) out.ratio = out.current / out.baseline;
    return out;
  }
  if (out.baselineMedian === 0) {
    out.note = "the baseline is zero; no ratio to judge";
    return out;
  }
  const mw = mannWhitneyU(cFlat, bFlat);
  out.pWorse = higherIsBetter ? mw.pLess : mw.pGreater;
  out.pBetter = higherIsBetter ? mw.pGreater : mw.pLess;
  const ci = bootstrapRatioOfMedians(b, c, {
    confidence: opts.confidence,
    resamples: opts.resamples,
    seed: hashSeed(opts.seed, `${name}\u0000${metric}`),
    statistic: higherIsBetter ? "mean" : "median",
  });
  out.ratio = ci.ratio;
  out.ciLow = ci.low;
  out.ciHigh = ci.high;
  const alpha = 1 - opts.confidence;
  const up = 1 + opts.tolerance;
  const down = 1 - opts.tolerance;
  const worse = higherIsBetter ? ci.high < down : ci.low > up;
  const better = higherIsBetter ? ci.low > up : ci.high < down;
  if (worse && out.pWorse < alpha) out.verdict = "regressed";
  else if (better && out.pBetter < alpha) out.verdict = "improved";
  return out;
}

export function compareScenario(
  name: string,
  baselineRuns: ScenarioResult[],
  currentRuns: ScenarioResult[],
  baselineWhole: ScenarioResult,
  currentWhole: ScenarioResult,
  opts: CompareOptions,
): MetricComparison[] {
  return METRICS.map((m) =>
    compareMetric(name, m, baselineRuns, currentRuns, baselineWhole, currentWhole, opts),
  );
}

/**
 * Re-evaluates stored threshold outcomes on recomputed figures (after a merge
 * of load generators, or after combining repeated runs), with the engine's own
 * parser and evaluator (engine/thresholds.ts), so a merged result is judged
 * exactly like a single run.
 */
import { decodeHistogram, type Histogram } from "../core/histogram.ts";
import type { ScenarioResult, ThresholdOutcome } from "../core/result.ts";
import { evaluateThresholds, type MetricValues, parseThreshold } from "../core/thresholds.ts";

export function metricValues(
  s: ScenarioResult,
  latency: Histogram,
  serviceTime: Histogram,
): MetricValues {
  return {
    latency,
    serviceTime,
    // version 2: the (merged) wait histogram; absent in version 1 results
    wait: s.histograms.wait === undefined ? undefined : decodeHistogram(s.histograms.wait),
    freshness:
      s.histograms.freshness === undefined ? undefined : decodeHistogram(s.histograms.freshness),
    syncLag: s.histograms.syncLag === undefined ? undefined : decodeHistogram(s.histograms.syncLag),
    ok: s.operations.ok,
    errors: Object.values(s.operations.errors).reduce((a, b) => a + b, 0),
    dropped: s.operations.dropped,
    throughput: s.throughput,
  };
}

/**
 * Re-evaluates each stored outcome, in order, on the new figures. An
 * expression the engine can no longer parse keeps a failure from any of the
 * original outcomes (it never turns a failure into a pass).
 */
export function reevaluateThresholds(
  originals: ThresholdOutcome[][],
  values: MetricValues,
): ThresholdOutcome[] {
  const first = originals[0] ?? [];
  return first.map((t, i) => {
    try {
      const parsed = parseThreshold(t.expression, t.metric);
      // evaluateThresholds puts the implicit operations ok>0 first; ours is the last outcome
      const outcomes = evaluateThresholds([parsed], values);
      const outcome = { ...outcomes[outcomes.length - 1] };
      if (t.abortOnFail !== undefined) outcome.abortOnFail = t.abortOnFail;
      return outcome;
    } catch {
      const same = originals.map((o) => o[i]).filter((o) => o !== undefined);
      return { ...(same.find((o) => !o.ok) ?? t) };
    }
  });
}

/**
 * Re-evaluates stored threshold outcomes on recomputed figures (after a merge
 * of load generators, or after combining repeated runs). The expressions are
 * the k6-style strings the run stored: "p(95)<25", "p(99.9)<=80", "avg<10",
 * "max<200", "rate<0.001", "count==0", "throughput>500".
 */
import type { ScenarioResult, ThresholdOutcome } from "../engine/result.ts";

export interface ThresholdFigures {
  /** percentile (0-100) of a latency metric in ms */
  percentile(metric: "latency" | "service_time", p: number): number;
  scenario: ScenarioResult;
}

const EXPRESSION =
  /^\s*(p\(\s*(\d+(?:\.\d+)?)\s*\)|avg|mean|med|min|max|rate|count|value|throughput)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** The value an expression's aggregation takes for a metric, or undefined if unknown. */
export function thresholdActual(
  metric: string,
  expression: string,
  figures: ThresholdFigures,
): number | undefined {
  const m = EXPRESSION.exec(expression);
  if (!m) return undefined;
  const agg = m[1];
  const s = figures.scenario;
  const errors = Object.values(s.operations.errors).reduce((a, b) => a + b, 0);
  if (metric === "latency" || metric === "service_time") {
    const summary = metric === "latency" ? s.latency : s.serviceTime;
    if (m[2] !== undefined) return figures.percentile(metric, Number(m[2]));
    if (agg === "avg" || agg === "mean") return summary.mean;
    if (agg === "med") return figures.percentile(metric, 50);
    if (agg === "min") return summary.min;
    if (agg === "max") return summary.max;
    return undefined;
  }
  if (metric === "errors") {
    if (agg === "rate") return s.errorRate;
    if (agg === "count" || agg === "value") return errors;
    return undefined;
  }
  if (metric === "throughput") {
    if (agg === "throughput" || agg === "value" || agg === "rate" || agg === "avg") {
      return s.throughput;
    }
    return undefined;
  }
  if (metric === "dropped") {
    if (agg === "count" || agg === "value") return s.operations.dropped;
    if (agg === "rate") {
      const scheduled = s.operations.ok + errors + s.operations.dropped;
      return scheduled === 0 ? 0 : s.operations.dropped / scheduled;
    }
    return undefined;
  }
  return undefined;
}

export function compareThreshold(expression: string, actual: number): boolean | undefined {
  const m = EXPRESSION.exec(expression);
  if (!m) return undefined;
  const limit = Number(m[4]);
  switch (m[3]) {
    case "<":
      return actual < limit;
    case "<=":
      return actual <= limit;
    case ">":
      return actual > limit;
    case ">=":
      return actual >= limit;
    case "==":
      return actual === limit;
    default:
      return actual !== limit;
  }
}

/**
 * Re-evaluates each outcome on the new figures. An expression this module
 * cannot read keeps a failure from any of the original outcomes (it never
 * turns a failure into a pass).
 */
export function reevaluateThresholds(
  originals: ThresholdOutcome[][],
  figures: ThresholdFigures,
): ThresholdOutcome[] {
  const first = originals[0] ?? [];
  return first.map((t, i) => {
    const actual = thresholdActual(t.metric, t.expression, figures);
    if (actual !== undefined) {
      const ok = compareThreshold(t.expression, actual) ?? false;
      return { expression: t.expression, metric: t.metric, actual, ok };
    }
    const same = originals.map((o) => o[i]).filter((o) => o !== undefined);
    const failed = same.find((o) => !o.ok);
    return failed ? { ...failed } : { ...t };
  });
}

/** Number formatting shared by the renderers. */
import type { MetricComparison } from "../gate/compare.ts";

/** Milliseconds with sensible precision: 0.084, 1.52, 23.4, 1204. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "-";
  if (value === 0) return "0";
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toString();
}

export function rate(value: number): string {
  if (!Number.isFinite(value)) return "-";
  if (value >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(1);
}

export function percent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return "-";
  return `${(fraction * 100).toFixed(digits)}%`;
}

/**
 * The two figures the change was computed from: the per-second statistic
 * (median; mean for throughput) when the test had its samples, else the
 * whole-run figures. Shown beside the change so that the columns add up.
 */
export function comparedFigures(c: MetricComparison): [string, string] {
  const perSecond = Number.isFinite(c.ciLow);
  return [
    metricValue(c, perSecond ? c.baselineMedian : c.baseline),
    metricValue(c, perSecond ? c.currentMedian : c.current),
  ];
}

/** The whole-run figures (histogram percentile or run throughput), baseline -> current. */
export function wholeRunFigures(c: MetricComparison): string {
  return `${metricValue(c, c.baseline)} -> ${metricValue(c, c.current)}`;
}

/** "+40.2% [+33.1%, +47.0%]" for a ratio and its interval. */
export function change(c: MetricComparison): string {
  if (!Number.isFinite(c.ratio)) return "-";
  const signed = (r: number) => `${r >= 1 ? "+" : ""}${((r - 1) * 100).toFixed(1)}%`;
  if (!Number.isFinite(c.ciLow)) return signed(c.ratio);
  return `${signed(c.ratio)} [${signed(c.ciLow)}, ${signed(c.ciHigh)}]`;
}

export function pValue(p: number): string {
  if (!Number.isFinite(p)) return "-";
  if (p < 0.0001) return "<0.0001";
  return p.toFixed(4);
}

export function metricValue(c: MetricComparison, value: number): string {
  return c.unit === "ms" ? `${ms(value)} ms` : `${rate(value)}/s`;
}

/** The figure a threshold's actual value is shown with. */
export function thresholdActual(metric: string, expression: string, actual: number): string {
  if (!Number.isFinite(actual)) return String(actual);
  if (
    metric === "latency" ||
    metric === "service_time" ||
    metric === "freshness" ||
    metric === "sync_lag"
  )
    return `${ms(actual)} ms`;
  if (metric === "errors" && /^\s*rate/.test(expression)) return percent(actual, 3);
  if (metric === "throughput") return `${rate(actual)}/s`;
  return String(Math.round(actual * 1e6) / 1e6);
}

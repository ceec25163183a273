import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from "hdr-histogram-js";
import type { LatencySummary } from "./result.ts";

/**
 * Latency histograms: HdrHistogram, microsecond values, 3 significant digits
 * (0.1% resolution) for the run totals and 2 (1%) for the per-second series,
 * which only feeds time-series percentiles and must stay small for long runs.
 * Plain JS Int32 buckets: recording is an index computation and an increment.
 */
export type { Histogram };

/** The largest value recorded, in microseconds (one hour); longer values are clamped. */
export const MAX_TRACKABLE_US = 3_600_000_000;

export function createHistogram(digits: 2 | 3 = 3): Histogram {
  return build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: digits,
    useWebAssembly: false,
  });
}

/** Records one value in microseconds, clamped to [1, MAX_TRACKABLE_US]. */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(us < 1 ? 1 : us > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : Math.round(us));
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32, false);
}

const EMPTY: LatencySummary = {
  count: 0,
  min: 0,
  mean: 0,
  stdev: 0,
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  p999: 0,
  max: 0,
};

const ms = (us: number) => Math.round(us) / 1000;

/** The summary of a microsecond histogram, in milliseconds. */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { ...EMPTY };
  return {
    count: h.totalCount,
    min: ms(h.minNonZeroValue),
    mean: ms(h.mean),
    stdev: ms(h.stdDeviation),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

/** A percentile in milliseconds (for thresholds such as p(97.5)). */
export function percentileMs(h: Histogram, p: number): number {
  return h.totalCount === 0 ? 0 : ms(h.getValueAtPercentile(p));
}

/**
 * The index probes' A/B (issue 14): each probe with the index it exists for
 * and without it, plus `nearby` on the geo fix (index set `geo`). The rule
 * for the proposal: keep an index when its probe's p95 or throughput improves
 * by more than the gate's tolerance (10%); otherwise drop it, and say what it
 * cost (insert rate on its table, size).
 */

/** The gate's default tolerance (gate/verdict.ts). */
export const PROBE_TOLERANCE = 0.1;

/** Each probe and the design's index it exercises. */
export const PROBE_INDEXES = [
  { probe: "dishes-by-tag", index: "idx_dishes_tags", table: "dishes" },
  { probe: "dishes-by-type", index: "idx_dishes_type", table: "dishes" },
  { probe: "nearby", index: "idx_restaurants_geo", table: "restaurants" },
  { probe: "users-by-level", index: "idx_users_career_level", table: "users" },
  { probe: "user-by-username", index: "idx_users_username", table: "users" },
] as const;

/** One run's figures. */
export interface ProbeFigures {
  p50: number;
  p95: number;
  throughput: number;
}

export interface ProbeVerdict {
  keep: boolean;
  /** relative p95 improvement with the index: (without - with) / without */
  p95Gain: number;
  /** relative throughput improvement with the index: (with - without) / without */
  throughputGain: number;
  reason: string;
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(0)}%`;

/**
 * Keep when the index improves p95 or throughput by more than `tolerance`;
 * otherwise drop, naming what the index costs.
 */
export function probeVerdict(
  withIx: ProbeFigures,
  withoutIx: ProbeFigures,
  cost: { insertSlowdown: number | null; bytes: number },
  tolerance = PROBE_TOLERANCE,
): ProbeVerdict {
  const p95Gain = withoutIx.p95 > 0 ? (withoutIx.p95 - withIx.p95) / withoutIx.p95 : 0;
  const throughputGain =
    withoutIx.throughput > 0
      ? (withIx.throughput - withoutIx.throughput) / withoutIx.throughput
      : 0;
  const keep = p95Gain > tolerance || throughputGain > tolerance;
  const gains = `p95 ${pct(p95Gain)}, throughput ${pct(throughputGain)}`;
  const costText = `${Math.round(cost.bytes / 1024)} kB${
    cost.insertSlowdown === null ? "" : `, inserts ${pct(-cost.insertSlowdown)} rows/s`
  }`;
  return {
    keep,
    p95Gain,
    throughputGain,
    reason: keep
      ? `keep: with the index ${gains} (more than ${tolerance * 100}%); it costs ${costText}`
      : `drop: with the index only ${gains} (not more than ${tolerance * 100}%); it costs ${costText}`,
  };
}

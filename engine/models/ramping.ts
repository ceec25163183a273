import type { LoadModel } from "../result.ts";
import type { RateSegment } from "./arrivals.ts";

type Ramping = Extract<LoadModel, { type: "ramping" }>;

/** The measured duration of a ramping model: the sum of its stages, ms. */
export function rampingDurationMs(model: Ramping): number {
  return model.stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/**
 * Ramping arrival rate (k6 ramping-arrival-rate): from `startRate`, the rate
 * moves linearly to each stage's target over the stage's duration. The
 * warm-up, when there is one, runs at a constant rate before the first stage:
 * `startRate`, or the first stage's target when startRate is 0.
 */
export function rampingSegments(model: Ramping, warmupMs: number): RateSegment[] {
  const segments: RateSegment[] = [];
  if (warmupMs > 0) {
    const w = model.startRate > 0 ? model.startRate : (model.stages[0]?.target ?? 0);
    segments.push({ durationS: warmupMs / 1000, from: w, to: w });
  }
  let from = model.startRate;
  for (const s of model.stages) {
    segments.push({ durationS: s.durationMs / 1000, from, to: s.target });
    from = s.target;
  }
  return segments;
}

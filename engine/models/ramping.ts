import { UsageError } from "../../core/errors.ts";
import type { LoadModel } from "../../core/result.ts";
import { ArrivalSchedule, type RateSegment } from "./arrivals.ts";
import { defaultMaxInFlight, type ModelDefinition, rateText } from "./model.ts";
import { runOpen } from "./open.ts";

type Ramping = Extract<LoadModel, { type: "ramping" }>;

/** Ramping arrival rate (k6 ramping-arrival-rate): `--stages '10s:100,20s:500'`, `--start-rate`. */
export const rampingModel: ModelDefinition<Ramping> = {
  type: "ramping",
  summary:
    "ramping model (--stages DURATION:RATE,..., --start-rate R, --max-in-flight N): the arrival rate moves linearly from stage to stage",
  flags: ["model", "stages", "startRate", "maxInFlight"],
  resolve(flags, ctx) {
    if (flags.stages === undefined)
      throw new UsageError("run: --model ramping needs --stages, like --stages '10s:100,20s:500'");
    const startRate = flags.startRate ?? 0;
    const peak = Math.max(startRate, ...flags.stages.map((s) => s.target));
    return {
      type: "ramping",
      stages: flags.stages,
      startRate,
      maxInFlight: flags.maxInFlight ?? defaultMaxInFlight(peak, ctx.timeoutMs),
    };
  },
  durationMs: (m) => rampingDurationMs(m),
  peakRate: (m) => Math.max(m.startRate, ...m.stages.map((s) => s.target)),
  split: (m, _index, count) => ({
    ...m,
    startRate: m.startRate / count,
    stages: m.stages.map((s) => ({ ...s, target: s.target / count })),
    maxInFlight: Math.max(1, Math.ceil(m.maxInFlight / count)),
  }),
  maxGenerators: () => Number.POSITIVE_INFINITY,
  describe: (m) =>
    `ramping from ${rateText(m.startRate)}/s: ${m.stages.map((s) => `${s.durationMs / 1000}s→${rateText(s.target)}/s`).join(", ")}`,
  run: (model, spec, warmupMs, phase) =>
    runOpen({
      ...spec,
      schedule: new ArrivalSchedule(rampingSegments(model, warmupMs), phase),
      maxInFlight: model.maxInFlight,
    }),
};

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

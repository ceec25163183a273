import type { ScenarioResult } from "../core/result.ts";
import type { Threshold } from "../core/thresholds.ts";
import { defaultMaxInFlight } from "../engine/models/model.ts";
import { figuresOf, measureStep, type StepTiming, type SweepTarget } from "./step.ts";
import type { Knee, RateStep } from "./types.ts";

/** More than this share of arrivals dropped (not sent) fails a step. */
export const MAX_DROPPED_SHARE = 0.01;

export interface RatePlan extends StepTiming {
  /** the first step's arrival rate, per second */
  startRate: number;
  /** each rising step's rate is the previous one's times this */
  factor: number;
  /** rising steps at most (the sweep stops at the first that fails) */
  maxSteps: number;
  /** drill-in steps between the last good and the first bad rate (bisection) */
  drillSteps: number;
  /** the targets every step must meet; each is checked every second (abortOnFail) */
  thresholds: Threshold[];
  /** connections to each store for the open model's operations */
  connections: number;
  /** run a failing rate a second time: it fails only when both runs do */
  confirm?: boolean;
  /** said beside the knee (the generator and the server share cores) */
  caveat?: string;
}

/**
 * The open-model rate sweep: arrival rates rising by `factor` from
 * `startRate`, each step stopped as soon as it breaks a target (the engine's
 * abortOnFail, evaluated every second), failing too when more than 1% of the
 * arrivals were dropped; then HammerDB's drill-in: bisection between the last
 * good and the first bad rate. With `confirm`, a failing rate is run again
 * and fails only when that run fails too. The knee is the highest throughput
 * of a step that met every target.
 */
export async function rateSweep(
  target: SweepTarget,
  plan: RatePlan,
  onStep: (step: RateStep) => void = () => {},
): Promise<{ steps: RateStep[]; knee: Knee | null }> {
  const thresholds = plan.thresholds.map((t) => ({ ...t, abortOnFail: true }));
  const steps: RateStep[] = [];
  const once = async (
    rate: number,
    drill: boolean,
    retry = false,
  ): Promise<RateStep | undefined> => {
    if (target.signal?.aborted) return undefined;
    const model = {
      type: "open" as const,
      rate,
      maxInFlight: defaultMaxInFlight(rate, plan.timeoutMs),
    };
    const r = await measureStep(target, model, plan, plan.connections, thresholds);
    if (target.signal?.aborted) return undefined;
    const s = rateStepOf(r, rate, drill);
    if (retry) s.retry = true;
    steps.push(s);
    onStep(s);
    return s;
  };
  // a failure counts when a second run of the rate fails too (plan.confirm): one stall of a
  // shared machine does not set the knee
  const step = async (rate: number, drill: boolean): Promise<RateStep | undefined> => {
    const s = await once(rate, drill);
    if (!s || s.passed || !plan.confirm) return s;
    return once(rate, drill, true);
  };
  let good = 0;
  let bad: number | undefined;
  let rate = plan.startRate;
  for (let i = 0; i < plan.maxSteps; i++, rate *= plan.factor) {
    const s = await step(round(rate), false);
    if (!s) break;
    if (!s.passed) {
      bad = s.rate;
      break;
    }
    good = s.rate;
  }
  if (bad !== undefined) {
    for (let i = 0; i < plan.drillSteps; i++) {
      const mid = round((good + bad) / 2);
      if (mid <= good || mid >= bad) break;
      const s = await step(mid, true);
      if (!s) break;
      if (s.passed) good = mid;
      else bad = mid;
    }
  }
  return { steps, knee: kneeOf(steps, plan.caveat) };
}

/** A rate step's figures, and whether it met every target (and why not). */
export function rateStepOf(r: ScenarioResult, rate: number, drill: boolean): RateStep {
  const figures = figuresOf(r);
  const scheduled = figures.operations + r.operations.dropped;
  const droppedShare = scheduled > 0 ? r.operations.dropped / scheduled : 0;
  const failed = r.thresholds
    .filter((t) => !t.ok)
    .map((t) => `${t.metric}:${t.expression} (actual ${short(t.actual)})`);
  if (droppedShare > MAX_DROPPED_SHARE)
    failed.push(`${(droppedShare * 100).toFixed(1)}% of arrivals dropped (> 1%)`);
  if (r.aborted && failed.length === 0) failed.push(r.aborted.reason);
  return {
    rate,
    ...figures,
    droppedShare,
    passed: failed.length === 0,
    aborted: r.aborted !== undefined,
    failed,
    drill,
  };
}

/** The highest throughput of a step that met every target, and what stopped the next one. */
export function kneeOf(steps: RateStep[], caveat?: string): Knee | null {
  const passed = steps.filter((s) => s.passed);
  if (passed.length === 0) return null;
  const best = passed.reduce((a, b) => (b.throughput > a.throughput ? b : a));
  const above = steps
    .filter((s) => !s.passed && s.rate > best.rate)
    .sort((a, b) => a.rate - b.rate);
  const knee: Knee = {
    throughput: best.throughput,
    rate: best.rate,
    latencyP99Ms: best.latencyMs.p99,
    limitedBy:
      above.length > 0
        ? `${above[0].rate}/s: ${above[0].failed.join("; ")}`
        : `no step failed up to ${Math.max(...steps.map((s) => s.rate))}/s: the knee is higher`,
  };
  if (caveat) knee.caveat = caveat;
  return knee;
}

/** Rates as whole numbers per second above 10, else to 0.1. */
function round(rate: number): number {
  return rate >= 10 ? Math.round(rate) : Math.round(rate * 10) / 10;
}

const short = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));

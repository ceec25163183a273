import { figuresOf, measureStep, type StepTiming, type SweepTarget } from "./step.ts";
import type { ConcurrencyStep, UslFit } from "./types.ts";
import { fitUsl } from "./usl.ts";

export interface ConcurrencyPlan extends StepTiming {
  /** connections per step, rising: 1, 2, 4, ... */
  connections: number[];
}

/** 1, 2, 4, ... up to `max` connections. */
export function doublings(max: number): number[] {
  const out: number[] = [];
  for (let c = 1; c <= max; c *= 2) out.push(c);
  return out;
}

/**
 * The closed-model concurrency sweep: each step runs N virtual users on N
 * connections with no think time (its own warm-up first), and the Universal
 * Scalability Law is fitted to throughput against N.
 */
export async function concurrencySweep(
  target: SweepTarget,
  plan: ConcurrencyPlan,
  onStep: (step: ConcurrencyStep) => void = () => {},
): Promise<{ steps: ConcurrencyStep[]; fit: UslFit }> {
  const steps: ConcurrencyStep[] = [];
  for (const n of plan.connections) {
    if (target.signal?.aborted) break;
    const r = await measureStep(target, { type: "closed", vus: n, thinkTimeMs: 0 }, plan, n);
    if (r.aborted) break;
    const step: ConcurrencyStep = { connections: n, ...figuresOf(r) };
    steps.push(step);
    onStep(step);
  }
  const fit = fitUsl(steps.map((s) => ({ concurrency: s.connections, throughput: s.throughput })));
  return { steps, fit };
}

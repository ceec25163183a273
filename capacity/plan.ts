import { UsageError } from "../core/errors.ts";
import type { Threshold } from "../core/thresholds.ts";
import { loadScenario } from "../engine/load-scenario.ts";
import { loadRegistry, type ScenarioEntry, selectScenarios } from "../engine/registry.ts";
import { readTargets, thresholdsFor } from "../engine/targets.ts";
import { doublings } from "./concurrency.ts";
import type { StepTiming } from "./step.ts";

/** How long and how far each part of a sweep goes. */
export interface SweepProfile {
  connections: number[];
  concurrency: StepTiming;
  rate: StepTiming & {
    /** the first rate, as a share of the best closed-model throughput */
    startShare: number;
    factor: number;
    maxSteps: number;
    drillSteps: number;
  };
  /** cost per operation: measured this long, at this share of the knee's rate */
  costS: number;
  costShare: number;
}

export const QUICK: SweepProfile = {
  connections: doublings(16),
  concurrency: { warmupMs: 400, durationMs: 1200, timeoutMs: 2000 },
  rate: {
    warmupMs: 400,
    durationMs: 1600,
    timeoutMs: 2000,
    startShare: 0.3,
    factor: 1.6,
    maxSteps: 4,
    drillSteps: 2,
  },
  costS: 2,
  costShare: 0.5,
};

export const FULL: SweepProfile = {
  connections: doublings(32),
  concurrency: { warmupMs: 1000, durationMs: 4000, timeoutMs: 2000 },
  rate: {
    warmupMs: 1000,
    durationMs: 5000,
    timeoutMs: 2000,
    startShare: 0.2,
    factor: 1.3,
    maxSteps: 12,
    drillSteps: 4,
  },
  costS: 10,
  costShare: 0.5,
};

/** `--quick` without names: one read and one write swept, one DynamoDB pattern costed. */
export const QUICK_SCENARIOS = ["best-dishes", "follow", "leaderboards"];

export interface PlannedSweep {
  entry: ScenarioEntry;
  group: string;
  store: "postgres" | "dynamodb";
  writes: boolean;
  /** the targets of each rate step (throughput targets left out: a sweep sets the rate) */
  thresholds: Threshold[];
  /** the rate DynamoDB scenarios are costed at (their default load) */
  defaultRate: number;
}

/**
 * The scenarios of a sweep, checked before any service starts: unknown names
 * and DynamoDB scenarios named to be swept are a UsageError (through 'all' or
 * a group they are costed). Without names, every scenario: PostgreSQL ones
 * swept, DynamoDB ones costed.
 */
export async function planSweep(opts: {
  scenarios?: string[];
  quick?: boolean;
  targetsFile?: string;
  registry?: string;
}): Promise<PlannedSweep[]> {
  const registry = await loadRegistry(opts.registry);
  const named = (opts.scenarios ?? []).length > 0;
  const names = named
    ? opts.scenarios!
    : opts.quick
      ? QUICK_SCENARIOS.filter((n) => registry.has(n))
      : [...registry.keys()];
  let entries: ScenarioEntry[];
  try {
    entries = selectScenarios(registry, names);
  } catch (e) {
    if (e instanceof UsageError)
      throw new UsageError(e.message.replace(/^run: /, "capacity sweep: "));
    throw e;
  }
  const targets = readTargets(opts.targetsFile);
  const planned: PlannedSweep[] = [];
  for (const entry of entries) {
    const scenario = await loadScenario(entry.url);
    const store = scenario.stores.includes("dynamodb") ? "dynamodb" : "postgres";
    if (named && store === "dynamodb" && names.includes(entry.name))
      throw new UsageError(
        `capacity sweep: ${entry.name} uses DynamoDB, whose local latency says nothing about the service: it is not swept, it gets cost per operation only; drop it, or run: bellyfed-bench capacity sweep (every scenario, DynamoDB ones costed)`,
      );
    if (scenario.stores.length === 0 || scenario.stores.includes("http"))
      throw new UsageError(
        `capacity sweep: ${entry.name} uses no PostgreSQL (stores: ${scenario.stores.join(", ") || "none"}); sweep PostgreSQL scenarios, like: bellyfed-bench capacity sweep best-dishes`,
      );
    const group =
      [...registry.groups.entries()].find(([, members]) => members.includes(entry.name))?.[0] ??
      (entry.writes ? "writes" : "reads");
    planned.push({
      entry,
      group,
      store,
      writes: entry.writes === true,
      thresholds: thresholdsFor(
        entry.name,
        targets,
        [],
        opts.targetsFile ?? "scenarios/targets.json",
        ["throughput"],
      ),
      defaultRate: entry.load?.rate ?? 10,
    });
  }
  return planned;
}

/** Setting up a step (threads, connections, the scenario's setup): about this, seconds. */
const STEP_SETUP_S = 1;

/**
 * About the longest a sweep of these takes (every step to its end, plus its
 * setup), seconds: a plan, not a promise, on a busy machine.
 */
export function plannedSeconds(planned: PlannedSweep[], p: SweepProfile): number {
  const step = (t: StepTiming) => (t.warmupMs + t.durationMs) / 1000 + STEP_SETUP_S;
  // the cost's warm-up (1 s) before its measured time; the rising steps, the first failure
  // run again (confirm), and every drill-in step run twice at worst
  const cost = p.costS + 1 + 2 * STEP_SETUP_S;
  const pg =
    p.connections.length * step(p.concurrency) +
    (p.rate.maxSteps + 1 + 2 * p.rate.drillSteps) * step(p.rate) +
    cost;
  return planned.reduce((s, x) => s + (x.store === "postgres" ? pg : cost), 0);
}

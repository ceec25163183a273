import { SCENARIOS } from "../scenarios/index.ts";
import {
  type CapacitySweep,
  type OperationCost,
  SWEEP_KIND,
  SWEEP_VERSION,
  type SweepDataset,
  type SweepMachine,
} from "./types.ts";

/**
 * `npm run bench:cost -- ... --out FILE` writes `{ machine, dataset, costs }`:
 * the cost per operation of some scenarios, without the sweep's concurrency
 * and rate steps. `capacity report --from` reads it as a sweep of costs only
 * (no latency charts, no knees), so a projection needs no full sweep.
 */

export interface CostFile {
  machine: SweepMachine;
  dataset: SweepDataset;
  costs: Record<string, OperationCost>;
}

export function isCostFile(data: unknown): data is CostFile {
  const d = data as Partial<CostFile> | null;
  return (
    typeof d === "object" &&
    d !== null &&
    typeof d.costs === "object" &&
    typeof d.machine === "object" &&
    typeof d.dataset === "object"
  );
}

/** A sweep of costs only, the scenarios' kinds from the registry; when and under which index set, as the caller knows them. */
export function sweepFromCosts(
  c: CostFile,
  opts: { startedAt?: string; indexSet?: string } = {},
): CapacitySweep {
  const scenarios = Object.entries(c.costs).map(([name, cost]) => {
    const entry = SCENARIOS[name];
    return {
      name,
      group: entry?.writes ? "writes" : "patterns",
      store: entry?.stores.includes("postgres") ? ("postgres" as const) : ("dynamodb" as const),
      writes: entry?.writes === true,
      cost,
    };
  });
  return {
    kind: SWEEP_KIND,
    version: SWEEP_VERSION,
    startedAt: opts.startedAt ?? "(not recorded by bench:cost)",
    durationS: scenarios.reduce((t, s) => t + (s.cost.durationS ?? 0) + (s.cost.warmupS ?? 0), 0),
    quick: false,
    machine: c.machine,
    dataset: c.dataset,
    indexSet: opts.indexSet ?? "unrecorded",
    dynamoVariant: "unrecorded",
    scenarios,
  };
}

/**
 * The one place the capacity report reaches modules other helpers are writing
 * (interfaces agreed in advance), so they can be wired here when they land on
 * main and nowhere else:
 *
 * - `capacity/sweep.ts`: `loadSweep(path)` and `runSweep(opts)` (the sweep
 *   helper). Until then `readSweep` checks the file's kind and version itself
 *   and `quickSweep` refuses with a line naming `--from`.
 * - `stores/dynamo-limits.ts`: `partitionPressure` and `scatterGatherReads`
 *   (the variants helper). Until then they are written here to the agreed
 *   rule, with the partition limits `tune` already uses.
 *
 * At merge: replace the bodies below with the imports, e.g.
 *   export { loadSweep as readSweep } from "./sweep.ts";
 *   export { partitionPressure, scatterGatherReads, PARTITION_RCU, PARTITION_WCU } from "../stores/dynamo-limits.ts";
 */
import { UsageError } from "../core/errors.ts";
import { PARTITION_RCU, PARTITION_WCU } from "../tuning/dynamo-keys.ts";
import { readInputFile } from "./input-file.ts";
import { type CapacitySweep, SWEEP_KIND, SWEEP_VERSION } from "./types.ts";

export { PARTITION_RCU, PARTITION_WCU };

export interface PartitionPressure {
  rcuShare: number;
  wcuShare: number;
  over: boolean;
  shardsNeeded: number;
}

/** One partition-key value's load against one partition's ceiling (stores/dynamo-limits.ts's rule). */
export function partitionPressure(load: {
  rcuPerSecond: number;
  wcuPerSecond: number;
}): PartitionPressure {
  const rcuShare = load.rcuPerSecond / PARTITION_RCU;
  const wcuShare = load.wcuPerSecond / PARTITION_WCU;
  return {
    rcuShare,
    wcuShare,
    over: rcuShare > 1 || wcuShare > 1,
    shardsNeeded: Math.max(1, Math.ceil(Math.max(rcuShare, wcuShare))),
  };
}

/** RCU of one logical read once the key is split into `shards`: one query per shard. */
export function scatterGatherReads(shards: number, rcuPerShardQuery: number): number {
  return shards * rcuPerShardQuery;
}

/** Reads a capacity sweep's result file (capacity/sweep.ts's loadSweep when merged). */
export async function readSweep(path: string): Promise<CapacitySweep> {
  const data = readInputFile(
    "from",
    path,
    JSON.parse,
    "give a file written by 'bellyfed-bench capacity sweep --out FILE'",
  ).data as CapacitySweep;
  if (data?.kind !== SWEEP_KIND)
    throw new UsageError(
      `--from ${path}: not a capacity sweep (kind ${JSON.stringify(data?.kind)}, expected ${SWEEP_KIND}); give a file written by 'bellyfed-bench capacity sweep --out FILE'`,
    );
  if (typeof data.version !== "number" || data.version > SWEEP_VERSION)
    throw new UsageError(
      `--from ${path}: sweep version ${data.version} is newer than this harness reads (${SWEEP_VERSION}); update bellyfed-bench`,
    );
  return data;
}

/** The quick sweep `npm run capacity:report` runs when no --from is given (runSweep when merged). */
export async function quickSweep(_opts: {
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}): Promise<CapacitySweep> {
  throw new UsageError(
    "capacity report: no --from FILE and this build has no capacity sweep to run; give a saved sweep, e.g. --from sweep.json",
  );
}

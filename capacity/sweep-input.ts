/**
 * Where the capacity report gets its sweep: a file given with --from (a
 * capacity sweep's result, or `bench:cost --out`'s costs read as a sweep of
 * costs only), or a quick sweep run now. The per-partition rule is
 * stores/dynamo-limits.ts (shared with `tune` and the sync), re-exported here
 * for the projection.
 */
import { statSync } from "node:fs";
import { isCostFile, sweepFromCosts } from "./cost-file.ts";
import { readInputFile } from "./input-file.ts";
import { loadSweep, runSweep, writeSweep } from "./sweep.ts";
import type { CapacitySweep } from "./types.ts";

export {
  PARTITION_RCU,
  PARTITION_WCU,
  partitionPressure,
  scatterGatherReads,
} from "../stores/dynamo-limits.ts";

/** Reads a capacity sweep's result file, or a `bench:cost --out` file as a sweep of costs only. */
export async function readSweep(path: string): Promise<CapacitySweep> {
  const raw = readInputFile(
    "from",
    path,
    JSON.parse,
    "give a file written by 'bellyfed-bench capacity sweep --out FILE' or 'npm run bench:cost -- --out FILE'",
  ).data;
  if (isCostFile(raw))
    return sweepFromCosts(raw, {
      startedAt: `${statSync(path).mtime.toISOString()} (file written)`,
    });
  return loadSweep(path);
}

/**
 * The quick sweep `npm run capacity:report` runs when no --from is given
 * (the embedded services, `small` data); saved under results/ like
 * `capacity sweep --quick`, so a later report can read it with --from.
 */
export async function quickSweep(opts: {
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}): Promise<{ file: string; sweep: CapacitySweep }> {
  const sweep = await runSweep({ quick: true, signal: opts.signal, onProgress: opts.onProgress });
  return { file: writeSweep(sweep), sweep };
}

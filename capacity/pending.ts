/**
 * The one place the capacity report reaches the capacity sweep
 * (`capacity/sweep.ts`, the sweep helper's), so it can be wired here when it
 * lands on main and nowhere else. Until then `readSweep` checks the file's
 * kind and version itself and `quickSweep` refuses with a line naming
 * `--from`. At merge:
 *   export { loadSweep as readSweep } from "./sweep.ts";
 *   and quickSweep = runSweep({ quick: true, ... }).
 *
 * The per-partition rule is stores/dynamo-limits.ts (shared with `tune` and
 * the sync), re-exported here for the projection.
 */
import { UsageError } from "../core/errors.ts";
import { readInputFile } from "./input-file.ts";
import { type CapacitySweep, SWEEP_KIND, SWEEP_VERSION } from "./types.ts";

export {
  PARTITION_RCU,
  PARTITION_WCU,
  partitionPressure,
  scatterGatherReads,
} from "../stores/dynamo-limits.ts";

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

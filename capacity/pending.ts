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
import { statSync } from "node:fs";
import { UsageError } from "../core/errors.ts";
import { isCostFile, sweepFromCosts } from "./cost-file.ts";
import { readInputFile } from "./input-file.ts";
import { type CapacitySweep, SWEEP_KIND, SWEEP_VERSION } from "./types.ts";

export {
  PARTITION_RCU,
  PARTITION_WCU,
  partitionPressure,
  scatterGatherReads,
} from "../stores/dynamo-limits.ts";

/**
 * Reads a capacity sweep's result file, or a `bench:cost --out` file as a
 * sweep of costs only (at merge: keep the cost-file branch, call loadSweep
 * for the rest).
 */
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
  const data = raw as CapacitySweep;
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

/**
 * Reads an older result as the current version, in memory (the file is not
 * changed): what gate, merge and the reports read is always version 2.
 *
 * Version 1 lacks, and keeps absent (nothing in it measures them exactly):
 * - `windowStart`: the run's `startedAt` precedes setup and warm-up, so it is
 *   not the window's start; merge aligns version 1 generators on their runs'
 *   starts instead (same scenarios in the same order: the offsets hold);
 * - `operations.interrupted` and `warmup`: version 1 did not count them (its
 *   `ok` and throughput include operations that completed after the window);
 * - `wait` and `histograms.wait`: latency minus service time per operation
 *   cannot be rebuilt from the two histograms;
 * - `histograms.seconds`: version 1 kept only each second's percentiles, so a
 *   merge of version 1 generators approximates a second's percentiles (the
 *   ops-weighted mean of the generators'), while run summaries stay exact;
 * - `timeSeries[].client` and `aborted`: version 1 measured no client figures
 *   and wrote no result of a stopped run.
 * Only `version` changes. Every field version 2 added is optional, so the
 * upgraded result is a valid version 2 result as it stands.
 */
import { RESULT_VERSION, type RunResult } from "../core/result.ts";

/** Result versions this harness reads. */
export const READABLE_VERSIONS: readonly number[] = [1, RESULT_VERSION];

/** A result of any readable version (already validated) as the current version. */
export function upgradeResult(run: Omit<RunResult, "version"> & { version: number }): RunResult {
  if (run.version === RESULT_VERSION) return run as RunResult;
  return { ...run, version: RESULT_VERSION };
}

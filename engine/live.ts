/** Live figures of a running scenario (all generators together), for progress lines. */
export interface LiveStats {
  ok: number;
  errors: number;
  dropped: number;
  /** p99 latency of the last complete second, ms */
  p99Ms: number;
  /** operations that completed (ok / failed) during the warm-up, which no result counts */
  warmupOk: number;
  warmupErrors: number;
}

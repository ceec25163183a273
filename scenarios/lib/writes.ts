import { UsageError } from "../../core/errors.ts";
import { DEFAULT_EPOCH } from "../../generators/scale.ts";
import type { Conflict, IsolationLevel, TransactionOptions } from "../../stores/postgres.ts";

/**
 * What every write scenario shares: the isolation level (`run --isolation`),
 * the retry rules, and the data's clock.
 *
 * Isolation: SERIALIZABLE by default. The ranking system's invariant (a
 * user's ranks per dish type are 1..n, one dish per rank) spans several rows,
 * and the design's only constraint on it, UNIQUE(user_id, dish_type,
 * restaurant_id, rank), includes restaurant_id, so it cannot stop two #1s at
 * two restaurants. Under READ COMMITTED two devices inserting into one list at
 * once both read n and both write rank n+1 (a phantom: row locks cannot lock
 * the row that does not exist yet); SERIALIZABLE turns that into a 40001 that
 * the transaction retries. `--isolation read-committed` shows the difference
 * (bellyfed-bench check counts the violations).
 */

export const ISOLATION_ENV = "BELLYFED_ISOLATION";
export const ISOLATION_FLAGS: Record<string, IsolationLevel> = {
  "read-committed": "read committed",
  "repeatable-read": "repeatable read",
  serializable: "serializable",
};
export const DEFAULT_ISOLATION = "serializable";

/** `--isolation NAME` (or the environment a run passes to its worker threads) as PostgreSQL's level. */
export function resolveIsolation(name: string | undefined): IsolationLevel {
  const flag = name === undefined || name === "" ? DEFAULT_ISOLATION : name;
  const level = ISOLATION_FLAGS[flag];
  if (!level)
    throw new UsageError(
      `--isolation ${JSON.stringify(flag)} is not a level: use read-committed, repeatable-read or serializable (default), e.g. bellyfed-bench run rank-dish --isolation serializable`,
    );
  return level;
}

/** Retries of a write transaction: serialization failures, deadlocks and unique violations, up to 8 fresh attempts. */
export const WRITE_RETRY_ON: readonly Conflict[] = ["serialization", "deadlock", "uniqueViolation"];
export const WRITE_RETRIES = 8;

/** The transaction options of a write scenario in this thread. */
export function writeOptions(env: NodeJS.ProcessEnv = process.env): TransactionOptions {
  return {
    isolation: resolveIsolation(env[ISOLATION_ENV]),
    retries: WRITE_RETRIES,
    retryOn: WRITE_RETRY_ON,
  };
}

/** Points per activity, as the loaded data awards them (generators/world.ts POINTS). */
export { POINTS } from "../../generators/world.ts";

/**
 * The data's clock: writes are stamped with the loaded data's epoch (its
 * "now", generators/scale.ts) plus the time since the run began, so trending
 * stays meaningful and read models can be recomputed as of a known instant.
 * `BELLYFED_RUN_STARTED_MS` (set by `run`) is the run's start; the thread's
 * first use is the fallback.
 */
export const RUN_STARTED_ENV = "BELLYFED_RUN_STARTED_MS";
export const DATA_EPOCH_ENV = "BELLYFED_DATA_EPOCH";

export class DataClock {
  readonly epochMs: number;
  readonly runStartedMs: number;
  constructor(env: NodeJS.ProcessEnv = process.env) {
    const epoch = env[DATA_EPOCH_ENV] || DEFAULT_EPOCH;
    this.epochMs = Date.parse(epoch);
    const started = Number(env[RUN_STARTED_ENV]);
    this.runStartedMs = Number.isFinite(started) && started > 0 ? started : Date.now();
  }
  /** now on the data's clock, in milliseconds since 1970 */
  nowMs(): number {
    return this.epochMs + (Date.now() - this.runStartedMs);
  }
  /** now on the data's clock as a UTC TIMESTAMP literal (the loaded data's timestamps are UTC) */
  now(): string {
    return new Date(this.nowMs()).toISOString().slice(0, 23).replace("T", " ");
  }
}

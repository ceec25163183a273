import type { StoreKind } from "../core/result.ts";
import type { Rng } from "../core/rng.ts";
import type { DynamoStore } from "../stores/dynamo.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";

export type { Rng };

/**
 * What a scenario gets in each load-generator thread. Its stores come from the
 * store factory the engine was given (stores/factory.ts), so they may be
 * wrapped; the engine collects their figures (capacity, pool) itself.
 */
export interface ScenarioContext {
  endpoints: Endpoints;
  /** present when the scenario lists "postgres" in its stores */
  pg?: PgStore;
  /** present when the scenario lists "dynamodb" in its stores */
  dynamo?: DynamoStore;
  data: { scale: string; seed: number };
  /** 0-based index of this load-generator thread, and how many there are */
  workerIndex: number;
  workerCount: number;
  /** connections this thread may open to each store */
  connections: number;
}

/**
 * One access pattern under load. A scenario file should read like the access
 * pattern it tests: what it samples, and the one operation it runs.
 */
export interface Scenario<S = unknown, P = unknown> {
  name: string;
  description: string;
  stores: StoreKind[];
  /** once per load-generator thread: prepare statements, read parameter pools from the loaded data */
  setup(ctx: ScenarioContext): Promise<S>;
  /** the next operation's parameters, skewed like real traffic (never one constant key) */
  sample(state: S, rng: Rng): P;
  /** one operation; throws on failure */
  operation(state: S, params: P): Promise<void>;
  /**
   * The PostgreSQL statements one operation runs with these parameters, for
   * index tuning (EXPLAIN ANALYZE); scenarios that touch PostgreSQL define it.
   */
  explain?(state: S, params: P): Array<{ statement: Statement; params: unknown[] }>;
  /**
   * What the scenario measured itself over the measured window (after the
   * load, before teardown; off the hot path): the read models' freshness.
   */
  figures?(state: S, window: MeasuredWindow): Promise<ScenarioFigures>;
  teardown?(state: S): Promise<void>;
}

/** The measured window, epoch microseconds (warm-up before it). */
export interface MeasuredWindow {
  startUs: number;
  endUs: number;
}

/**
 * A scenario's own figures, as plain data (it crosses thread boundaries):
 * encoded HdrHistograms in microseconds, and samples taken each second.
 */
export interface ScenarioFigures {
  histograms?: {
    /** end to end: PostgreSQL commit to the DynamoDB item showing it */
    freshness?: string;
    /** per row change: the projector's DynamoDB acknowledgement minus the commit time */
    syncLag?: string;
  };
  /** the replication slot's lag in bytes, sampled each second (epoch ms) */
  slotLag?: Array<{ atMs: number; bytes: number }>;
}

import type { PoolValues, ScaleConfig, TableName, WorldState } from "../generators/core.ts";
import type { PgTarget } from "../stores/types.ts";

/** What a loader lane is started with (workerData). */
export interface LaneInit {
  config: ScaleConfig;
  /** null: write the COPY text to files instead of a server (the benchmark's baseline files) */
  pg: PgTarget | null;
  /** SET statements run on the lane's connection */
  session: string[];
  /** size of the Buffers handed to the COPY stream */
  chunkBytes: number;
  /**
   * The data set's pools and World tables (shared memory) built once in the
   * main thread; runLanes fills them in when a task generates rows.
   */
  pools?: PoolValues;
  world?: WorldState;
}

/** One unit of work: rows [from, to) of a table. */
export interface LaneTask {
  type: "task";
  id: number;
  table: TableName;
  from: number;
  to: number;
  /** when set, COPY from this file (plain-COPY baseline) instead of generating */
  sourceFile?: string;
  /** when set, write the generated COPY text to this file instead of a server */
  targetFile?: string;
}

export type ToLane = LaneTask | { type: "stop" };

export type FromLane =
  | { type: "ready" }
  | { type: "progress"; table: TableName; rows: number; bytes: number }
  | { type: "done"; id: number; table: TableName; rows: number; bytes: number; ms: number }
  | { type: "error"; message: string; code?: string };

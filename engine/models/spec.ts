import type { Op } from "../inflight.ts";
import type { Recorder } from "../recorder.ts";

/** What every load model gets: the operation, where to record, and its bounds. */
export interface ExecutorSpec {
  op: Op;
  recorder: Recorder;
  /** epoch microseconds: the load starts here (warm-up first) */
  t0Us: number;
  /** epoch microseconds: no operation is started at or after this (Infinity: bounded by iterations) */
  endUs: number;
  /** measured (post-warm-up) iterations to start, Infinity for no bound */
  maxIterations: number;
  /** every operation times out after this many milliseconds */
  timeoutMs: number;
  /** set to stop issuing operations (abortOnFail, Ctrl-C); read once per arrival */
  stop: StopFlag;
}

/** A plain flag, not an AbortSignal: the executors read it on the hot path. */
export interface StopFlag {
  stopped: boolean;
}

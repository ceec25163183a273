/**
 * The result file: the one currency every later command reads (gate, merge,
 * reports, tune, capacity projections). Plain JSON, versioned.
 *
 * Units: latencies in summaries are milliseconds (floats); encoded histograms
 * record microseconds. Times are ISO-8601 strings; time-series offsets are
 * whole seconds since the start of the measured window (warm-up excluded).
 */
export const RESULT_FORMAT = "bellyfed-bench/result";
/**
 * Version 2 (this one) added: `wait` beside latency and service time (summary
 * and histogram), `operations.interrupted`, `warmup` counts, each second's
 * encoded latency histogram (`histograms.seconds`) and the client's own
 * figures per second (`timeSeries[].client`), the measured window's start
 * (`windowStart`), and `aborted`. Version 1 results still load
 * (results/upgrade.ts fills what they lack).
 */
export const RESULT_VERSION = 2;

export type StoreKind = "postgres" | "dynamodb" | "http";

/** How errors are classified everywhere (results, summaries, gates). */
export type ErrorClass = "timeout" | "throttled" | "connection" | "query" | "other";
export const ERROR_CLASSES: readonly ErrorClass[] = [
  "timeout",
  "throttled",
  "connection",
  "query",
  "other",
];

export type LoadModel =
  | { type: "closed"; vus: number; thinkTimeMs: number }
  | { type: "open"; rate: number; maxInFlight: number }
  | {
      type: "ramping";
      stages: Array<{ durationMs: number; target: number }>;
      startRate: number;
      maxInFlight: number;
    };

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** One second of the measured window. */
export interface TimeSeriesPoint {
  /** seconds since the start of the measured window */
  t: number;
  ops: number;
  errors: number;
  dropped: number;
  /** latency percentiles of the operations that completed in this second, ms */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** what the client itself did this second (version 2): event-loop delay and GC pauses */
  client?: ClientSecond;
  /**
   * the replication slot's lag in bytes sampled in this second
   * (pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn); scenarios that measure freshness)
   */
  slotLagBytes?: number;
}

/**
 * How stale the DynamoDB read models get (scenarios that measure it, like
 * `freshness`; warm-up excluded), in ms: end to end, a probe's PostgreSQL
 * commit (acknowledged to the client) to the first consistent GetItem that
 * shows it (its response); per change, the projector's DynamoDB
 * acknowledgement minus the transaction's commit time (server clock), once
 * per row change.
 */
export interface FreshnessFigures {
  endToEnd: LatencySummary;
  perChange: LatencySummary;
  /** the replication slot's lag in bytes over the samples of the measured window */
  slotLagBytes: { samples: number; max: number; last: number };
}

/**
 * The load generator's own share of a second: a busy event loop or a GC pause
 * delays every operation the client times, and shows here, not in the database.
 * Several generators: the worst loop delay, the GC time of the busiest one.
 */
export interface ClientSecond {
  /** event-loop delay p99 and max during the second, ms (perf_hooks.monitorEventLoopDelay) */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** GC pause time during the second, ms (PerformanceObserver 'gc') */
  gcMs: number;
}

export interface ThresholdOutcome {
  /** the expression as written, e.g. "p(95)<25" */
  expression: string;
  /** what it was evaluated on: latency | service_time | errors | throughput | dropped */
  metric: string;
  actual: number;
  ok: boolean;
  /** k6's abortOnFail: a failure stops the run (after delayAbortEval) */
  abortOnFail?: boolean;
}

export interface CapacityUsage {
  readUnits: number;
  writeUnits: number;
  /** per table and per GSI ("Table" or "Table/Index"), from ReturnConsumedCapacity=INDEXES */
  byResource: Record<string, { readUnits: number; writeUnits: number }>;
}

export interface PoolFigures {
  size: number;
  maxWaiting: number;
  meanAcquireMs: number;
  /**
   * transactions run again after a conflict, by cause (PgStore.transaction's
   * retries; warm-up excluded); absent when the scenario ran no transaction retries
   */
  retries?: { serialization: number; deadlock: number; uniqueViolation: number };
}

export interface ScenarioResult {
  name: string;
  description: string;
  stores: StoreKind[];
  model: LoadModel;
  /** the measured window, warm-up excluded */
  durationMs: number;
  warmupMs: number;
  /** ISO time at which the measured window began (version 2; merge aligns generators on it) */
  windowStart?: string;
  operations: {
    ok: number;
    errors: Record<ErrorClass, number>;
    /** open models: iterations not started because maxInFlight was reached (or the run ended first) */
    dropped: number;
    /**
     * operations started inside the measured window that completed after it
     * (k6's interrupted iterations): in ok/errors and in every histogram, not
     * in throughput (version 2)
     */
    interrupted?: number;
    /** the first few distinct error messages, redacted */
    sampleErrors: string[];
  };
  /** operations of the warm-up, which no other figure counts (version 2) */
  warmup?: { ok: number; errors: number };
  /** successful operations completed inside the measured window, per second of it */
  throughput: number;
  /** errors / (ok + errors) */
  errorRate: number;
  /** from the scheduled start to completion (no coordinated omission); closed: the actual start */
  latency: LatencySummary;
  /** from the store's first send (PostgreSQL: after a connection is acquired) to completion */
  serviceTime: LatencySummary;
  /** latency minus service time: schedule lag plus waiting for a connection (version 2) */
  wait?: LatencySummary;
  /** HdrHistogram, compressed base64 (hdr-histogram-js encodeIntoCompressedBase64), microseconds */
  histograms: {
    latency: string;
    serviceTime: string;
    /** version 2 */
    wait?: string;
    /** version 2: each second's latency histogram, aligned with timeSeries (null: no completion) */
    seconds?: Array<string | null>;
    /** freshness end to end and per change (scenarios that measure freshness) */
    freshness?: string;
    syncLag?: string;
  };
  timeSeries: TimeSeriesPoint[];
  capacity?: CapacityUsage;
  pool?: PoolFigures;
  /** scenarios that measure the read models' freshness */
  freshness?: FreshnessFigures;
  thresholds: ThresholdOutcome[];
  passed: boolean;
  /** set when the run was stopped early: by an abortOnFail threshold, or by Ctrl-C (version 2) */
  aborted?: { reason: string; atS: number };
  /** load generators (worker threads or merged processes) that produced it */
  generators: number;
}

export interface RunResult {
  format: typeof RESULT_FORMAT;
  version: typeof RESULT_VERSION;
  id: string;
  startedAt: string;
  endedAt: string;
  environment: {
    harnessVersion: string;
    node: string;
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    hostname: string;
    postgres?: { source: string; serverVersion: string };
    dynamodb?: { source: string; endpoint?: string };
  };
  data: {
    scale: string;
    seed: number;
    indexSet: string;
    /** the data differed from the load when the run began: write scenarios ran since (`load --reload` restores it) */
    changedSinceLoad?: { at: string; by: string };
    /** this run's write scenarios changed the data */
    written?: boolean;
  };
  /** the options the run was started with (flags and targets), secrets removed */
  config: Record<string, unknown>;
  scenarios: ScenarioResult[];
  passed: boolean;
  /** set when the run was stopped early (version 2) */
  aborted?: { reason: string };
}

/**
 * The result file: the one currency every later command reads (gate, merge,
 * reports, tune, capacity projections). Plain JSON, versioned.
 *
 * Units: latencies in summaries are milliseconds (floats); encoded histograms
 * record microseconds. Times are ISO-8601 strings; time-series offsets are
 * whole seconds since the start of the measured window (warm-up excluded).
 */
export const RESULT_FORMAT = "bellyfed-bench/result";
export const RESULT_VERSION = 1;

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
}

export interface ThresholdOutcome {
  /** the expression as written, e.g. "p(95)<25" */
  expression: string;
  /** what it was evaluated on: latency | service_time | errors | throughput | dropped */
  metric: string;
  actual: number;
  ok: boolean;
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
}

export interface ScenarioResult {
  name: string;
  description: string;
  stores: StoreKind[];
  model: LoadModel;
  /** the measured window, warm-up excluded */
  durationMs: number;
  warmupMs: number;
  operations: {
    ok: number;
    errors: Record<ErrorClass, number>;
    /** open models: iterations not started because maxInFlight was reached */
    dropped: number;
    /** the first few distinct error messages, redacted */
    sampleErrors: string[];
  };
  /** successful operations per second over the measured window */
  throughput: number;
  /** errors / (ok + errors) */
  errorRate: number;
  /** open models: from the scheduled start (no coordinated omission); closed: same as serviceTime */
  latency: LatencySummary;
  /** from the actual start of each operation */
  serviceTime: LatencySummary;
  /** HdrHistogram, compressed base64 (hdr-histogram-js encodeIntoCompressedBase64), microseconds */
  histograms: { latency: string; serviceTime: string };
  timeSeries: TimeSeriesPoint[];
  capacity?: CapacityUsage;
  pool?: PoolFigures;
  thresholds: ThresholdOutcome[];
  passed: boolean;
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
  data: { scale: string; seed: number; indexSet: string };
  /** the options the run was started with (flags and targets), secrets removed */
  config: Record<string, unknown>;
  scenarios: ScenarioResult[];
  passed: boolean;
}

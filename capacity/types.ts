/**
 * The capacity sweep's result file (`capacity sweep --out FILE`), as plain
 * data: what `capacity report` reads. Everything here is measured on the
 * machine named in `machine`, except fields whose doc says derived.
 *
 * Versioned on its own (`kind: "bellyfed-capacity-sweep"`, `version`):
 * bump the version when a field changes meaning, and keep reading the old.
 */

export const SWEEP_KIND = "bellyfed-capacity-sweep";
export const SWEEP_VERSION = 1;

export interface CapacitySweep {
  kind: typeof SWEEP_KIND;
  version: number;
  startedAt: string;
  /** the sweep's own time: from the data being ready (loaded when missing) to the end, seconds */
  durationS: number;
  /** true for `--quick` (few scenarios, few steps) */
  quick: boolean;
  machine: SweepMachine;
  /** the data the sweep ran on */
  dataset: SweepDataset;
  /** PostgreSQL index set in force during the sweep (schema/index-sets) */
  indexSet: string;
  /** DynamoDB schema variant in force (schema apply --dynamo-variant) */
  dynamoVariant: string;
  scenarios: SweepScenario[];
}

export interface SweepMachine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** PostgreSQL runs on this machine (its CPU is read from /proc) */
  pgLocal: boolean;
  /** the load generator and PostgreSQL share these cores: a knee is where they compete */
  sharedCores: boolean;
  postgresVersion: string;
  dynamoEndpoint: "dynamodb-local" | "dynalite" | "aws" | string;
}

export interface SweepDataset {
  scale: string;
  users: number;
  /** pg_total_relation_size split into heap (+toast) and indexes, per table */
  pgTables: { table: string; rows: number; tableBytes: number; indexBytes: number }[];
  /** DynamoDB tables: items and bytes (DescribeTable, or a scan's item sizes) */
  dynamoTables: {
    table: string;
    items: number;
    bytes: number;
    gsis: { name: string; items: number; bytes: number }[];
  }[];
}

export interface SweepScenario {
  name: string;
  group: string;
  store: "postgres" | "dynamodb";
  writes: boolean;
  /** closed-model concurrency sweep (PostgreSQL only) */
  concurrency?: { steps: ConcurrencyStep[]; fit: UslFit };
  /** open-model rate sweep with drill-in (PostgreSQL only) */
  rate?: { steps: RateStep[]; knee: Knee | null };
  /** cost of one operation, measured at a rate below the knee */
  cost: OperationCost;
}

export interface StepFigures {
  durationS: number;
  operations: number;
  throughput: number;
  errors: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  serviceTimeMs: { p50: number; p95: number; p99: number };
  /** the step's latency histogram, HdrHistogram base64 (core/histogram.ts) */
  histogram: string;
}

export interface ConcurrencyStep extends StepFigures {
  connections: number;
}

export interface RateStep extends StepFigures {
  /** arrival rate asked for, per second */
  rate: number;
  /** share of arrivals dropped (not sent) */
  droppedShare: number;
  /** every target met */
  passed: boolean;
  /** the engine aborted the step early (abortOnFail) */
  aborted: boolean;
  /** which threshold or rule failed, when not passed */
  failed: string[];
  /** a drill-in step between the last good and the first bad */
  drill: boolean;
  /** the second run of a rate whose first run failed (the rate fails only when both do) */
  retry?: boolean;
}

export interface UslFit {
  sigma: number;
  kappa: number;
  lambda: number;
  /** peak concurrency sqrt((1 - sigma) / kappa); null when kappa <= 0 */
  nStar: number | null;
  /** throughput at N* */
  xMax: number | null;
  r2: number;
  converged: boolean;
  iterations: number;
  /** false when the fit is poor or did not converge: its numbers are not facts */
  good: boolean;
  /** why it is not good, one line */
  reason?: string;
}

export interface Knee {
  /** highest throughput that met every target, operations per second */
  throughput: number;
  rate: number;
  latencyP99Ms: number;
  /** the first failing step's reason */
  limitedBy: string;
  /** said beside the knee when the generator and the server share cores */
  caveat?: string;
}

export interface OperationCost {
  /** the rate the cost was measured at (below the knee) */
  atRate: number;
  operations: number;
  postgres?: PgCost;
  dynamo?: DynamoCost[];
  /** the measured step's length, s, and the warm-up before it (added by the cost helper) */
  durationS?: number;
  warmupS?: number;
  /** operations completed per second in the measured step */
  throughput?: number;
  /** what the figures leave out or assume, one line each (why PostgreSQL figures are missing, ...) */
  notes?: string[];
}

export interface PgCost {
  /** per operation, from pg_stat_statements (statementsPerOp: as the operations sent them, BEGIN and COMMIT included) */
  statementsPerOp: number;
  execMsPerOp: number;
  sharedBlksHitPerOp: number;
  sharedBlksReadPerOp: number;
  rowsPerOp: number;
  walBytesPerOp: number;
  /** server CPU per operation, ms */
  cpuMsPerOp: number;
  /** "proc": from the server's processes; "derived": from execution time */
  cpuSource: "proc" | "derived";
  /** the same figures per statement, most execution time first (added by the cost helper) */
  statements?: PgStatementCost[];
  /** transaction attempts per operation, retries included (added by the cost helper) */
  transactionsPerOp?: number;
  /**
   * WAL the whole server wrote over the measured step per operation
   * (pg_current_wal_lsn): commit records, which pg_stat_statements leaves
   * out for prepared COMMITs, and background work included (added by the cost helper)
   */
  serverWalBytesPerOp?: number;
}

/** One statement of an operation, from pg_stat_statements (per call unless named per op). */
export interface PgStatementCost {
  /** as pg_stat_statements keeps it (constants replaced by $n) */
  query: string;
  callsPerOp: number;
  execMs: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  rows: number;
  walBytes: number;
}

/** Capacity units per operation for one table or GSI. */
export interface DynamoCost {
  table: string;
  /** GSI name, absent for the base table */
  index?: string;
  /** from ConsumedCapacity; null where the endpoint does not report it */
  measured: { rcu: number; wcu: number } | null;
  /** from item sizes by the capacity rules (stores/dynamo-units.ts) */
  computed: { rcu: number; wcu: number };
  /** the partition key value an operation hits, when one value takes all (a constant-key GSI) */
  constantKey?: string;
}

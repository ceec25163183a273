/**
 * The capacity projection's figures as plain data (what `capacity report
 * --out FILE` writes). Every figure says whether it was measured by the sweep,
 * derived from measured figures and the profile, or assumed; a figure that
 * rests on the CPU assumption (one local core = `cpuFactor` Aurora vCPUs)
 * says so, and the reports print that beside it.
 */

export type Basis = "measured" | "derived" | "assumed";

export interface Fig {
  value: number;
  unit: string;
  basis: Basis;
  /** rests on the CPU assumption (local core -> Aurora vCPU) */
  cpu?: boolean;
  /** how it was obtained, one line */
  how: string;
}

export function fig(value: number, unit: string, basis: Basis, how: string, cpu = false): Fig {
  return cpu ? { value, unit, basis, cpu, how } : { value, unit, basis, how };
}

/** The assumptions the projection states (each printed in every report). */
export interface Assumptions {
  /** Aurora vCPUs per local core of CPU time measured (1 = one local core is one vCPU) */
  cpuFactor: number;
  /** Aurora CPU utilisation sized for at peak */
  targetCpu: number;
  /** DynamoDB provisioned capacity's utilisation target (auto scaling) */
  dynamoTarget: number;
  /** buffer-cache hit ratio assumed at the projected data size */
  cacheHit: number;
  /** Serverless v2 ACUs per vCPU (r family heuristic) */
  acuPerVcpu: number;
  /** readers the cluster keeps at least (high availability) */
  minReaders: number;
  /** Aurora's ceiling on readers per cluster */
  maxReaders: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  cpuFactor: 1,
  targetCpu: 0.6,
  dynamoTarget: 0.7,
  cacheHit: 0.99,
  acuPerVcpu: 4,
  minReaders: 1,
  maxReaders: 15,
};

export interface OpsRow {
  scenario: string;
  perActiveUserPerDay: number;
  perDay: number;
  avgPerS: number;
  peakPerS: number;
  measured: boolean;
  writes: boolean;
}

export interface InstanceChoice {
  class: string;
  vcpu: number;
  memoryGiB: number;
  hourly: number;
  count: number;
  /** false: even the largest class of the table is too small */
  fits: boolean;
}

export interface AuroraProjection {
  vcpuPeak: Fig;
  vcpuAvg: Fig;
  writerVcpu: Fig;
  readerVcpu: Fig;
  writer: InstanceChoice;
  readers: InstanceChoice;
  acu: { min: Fig; max: Fig; avg: Fig; fitsOneInstance: boolean };
  connections: { writer: Fig; readers: Fig; writerMax: Fig };
  bytesPerUser: Fig;
  storageGiB: Fig;
  io: { readPerMonth: Fig; writePerMonth: Fig };
  monthly: {
    instances: Fig;
    standard: Fig;
    ioOptimized: Fig;
    /** the cheapest that fits: provisioned instances on Standard or I/O-Optimized, or Serverless v2 */
    choice: "Standard" | "I/O-Optimized" | "Serverless v2";
    /** provisioned instances, the cheaper storage option */
    provisioned: Fig;
    serverless: Fig;
    total: Fig;
  };
}

export interface DynamoResource {
  /** "Table" or "Table/Index" */
  resource: string;
  table: string;
  index?: string;
  rcuAvg: number;
  rcuPeak: number;
  wcuAvg: number;
  wcuPeak: number;
  /** the same peak from DynamoDB's ConsumedCapacity as the sweep's endpoint reported it (null: not reported) */
  measuredPeak: { rcu: number; wcu: number } | null;
  /** share of the resource's traffic on its hottest key */
  hotShare: Fig;
  /** the constant key every operation hits, when the sweep saw one */
  constantKey?: string;
  hotRcuPeak: number;
  hotWcuPeak: number;
  pressure: { rcuShare: number; wcuShare: number; over: boolean; shardsNeeded: number };
  /** with write sharding over `shardsNeeded` keys: RCU/s the reads then cost at peak */
  scatter?: { shards: number; readRcuPeakBefore: number; readRcuPeakAfter: number };
}

export interface DynamoProjection {
  resources: DynamoResource[];
  rcuPeak: Fig;
  wcuPeak: Fig;
  monthly: {
    onDemand: Fig;
    provisionedAuto: Fig;
    provisionedAtPeak: Fig;
    choice: "on-demand" | "provisioned (auto scaling)";
    storage: Fig;
    total: Fig;
  };
  /** provisioned beats on-demand above this average use of the provisioned capacity */
  crossoverUse: Fig;
  bytesPerUser: Fig;
  storageGiB: Fig;
}

export interface PointProjection {
  /** users today (the profile's figure) */
  baseUsers: number;
  /** users sized for: baseUsers x (1 + growth)^months */
  users: number;
  activeUsers: number;
  ops: OpsRow[];
  avgPerS: Fig;
  peakPerS: Fig;
  aurora: AuroraProjection;
  dynamo: DynamoProjection;
  monthly: { aurora: Fig; dynamo: Fig; total: Fig };
}

/** A limit and the user count where it is reached (every load is linear in users). */
export interface BreakPoint {
  what: string;
  limit: string;
  /** users (sized for) at which the limit is reached */
  users: number;
  service: "Aurora" | "DynamoDB";
  /** how to push it back */
  remedy: string;
}

export interface CurvePoint {
  users: number;
  peakPerS: number;
  auroraVcpu: number;
  auroraMonthly: number;
  dynamoMonthly: number;
  totalMonthly: number;
  /** hottest key's share of its partition limit, per resource (max of RCU and WCU share) */
  partition: Record<string, number>;
}

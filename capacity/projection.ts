import { SCENARIOS } from "../scenarios/index.ts";
import { type Price, type PriceTable, priceList } from "./prices.ts";
import type { Profile } from "./profile.ts";
import {
  largestClass,
  MAX_ACU,
  MAX_CONNECTIONS,
  maxConnections,
  projectAurora,
} from "./projection-aurora.ts";
import { projectDynamo } from "./projection-dynamo.ts";
import { plannedUsers, trafficAt } from "./projection-traffic.ts";
import {
  type Assumptions,
  type BreakPoint,
  type CurvePoint,
  fig,
  type PointProjection,
} from "./projection-types.ts";
import { PARTITION_RCU, PARTITION_WCU } from "./sweep-input.ts";
import type { CapacitySweep, Knee, SweepMachine, UslFit } from "./types.ts";

/**
 * The capacity plan: a profile's traffic at each user count, projected onto
 * Aurora and DynamoDB from one sweep's measured cost per operation, with the
 * limits each load reaches and the user count where it reaches them. Pure
 * functions of (sweep, profile, prices, assumptions).
 */

export const REPORT_KIND = "bellyfed-capacity-report";
export const REPORT_VERSION = 1;

/** No per-table on-demand quota above this without asking AWS (default, raisable) */
export const TABLE_QUOTA_RU = 40_000;

const writesOf = (name: string) => SCENARIOS[name]?.writes === true;

/** Projection at one user count (users sized for; no growth applied). */
export function projectAt(
  sweep: CapacitySweep,
  profile: Profile,
  prices: PriceTable,
  a: Assumptions,
  users: number,
  baseUsers = users,
): PointProjection {
  const ops = trafficAt(profile, sweep, users, writesOf);
  const measured = ops.filter((o) => o.measured);
  const aurora = projectAurora(sweep, measured, users, prices, a);
  const dynamo = projectDynamo(sweep, measured, users, prices, a, profile.hotKeyShare);
  const total = aurora.monthly.total.value + dynamo.monthly.total.value;
  const sum = (f: (o: (typeof ops)[number]) => number) => measured.reduce((t, o) => t + f(o), 0);
  return {
    baseUsers,
    users,
    activeUsers: users * profile.dailyActiveShare,
    ops,
    avgPerS: fig(
      sum((o) => o.avgPerS),
      "ops/s",
      "derived",
      "profile: active users x operations a day / 86,400",
    ),
    peakPerS: fig(
      sum((o) => o.peakPerS),
      "ops/s",
      "derived",
      `average x peak factor ${profile.peakToAverage} (assumed)`,
    ),
    aurora,
    dynamo,
    monthly: {
      aurora: aurora.monthly.total,
      dynamo: dynamo.monthly.total,
      total: fig(total, "USD", "derived", "Aurora + DynamoDB", true),
    },
  };
}

/** Each limit and the users (sized for) where it is reached; loads are linear in users. */
export function breakPoints(p: PointProjection, prices: PriceTable, a: Assumptions): BreakPoint[] {
  const out: BreakPoint[] = [];
  const at = (load: number, limit: number) => (load > 0 ? (p.users * limit) / load : Infinity);
  const big = largestClass(prices.aurora.instances);
  out.push({
    what: "Aurora writer CPU",
    limit: `${big.vcpu} vCPU (${big.class}, the largest class in the price table) at ${Math.round(a.targetCpu * 100)}% target`,
    users: at(p.aurora.writerVcpu.value, big.vcpu),
    service: "Aurora",
    remedy: "one writer cannot scale out: batch or queue writes, or split the write load",
  });
  out.push({
    what: "Aurora reader CPU",
    limit: `${a.maxReaders} readers x ${big.vcpu} vCPU`,
    users: at(p.aurora.readerVcpu.value, a.maxReaders * big.vcpu),
    service: "Aurora",
    remedy: "cache hot reads or move them to DynamoDB read models",
  });
  out.push({
    what: "Aurora writer connections",
    limit: `${Math.min(maxConnections(big.memoryGiB), MAX_CONNECTIONS).toLocaleString("en-US")} connections (${big.class})`,
    users: at(
      p.aurora.connections.writer.value,
      Math.min(maxConnections(big.memoryGiB), MAX_CONNECTIONS),
    ),
    service: "Aurora",
    remedy: "RDS Proxy or a smaller, shared pool",
  });
  out.push({
    what: "Aurora Serverless v2 writer",
    limit: `${MAX_ACU} ACU per instance`,
    users: at(p.aurora.writerVcpu.value * a.acuPerVcpu, MAX_ACU),
    service: "Aurora",
    remedy: "provisioned instances above it",
  });
  for (const r of p.dynamo.resources) {
    const share = Math.max(r.pressure.rcuShare, r.pressure.wcuShare);
    const limit =
      r.pressure.wcuShare >= r.pressure.rcuShare
        ? `${PARTITION_WCU.toLocaleString("en-US")} WCU`
        : `${PARTITION_RCU.toLocaleString("en-US")} RCU`;
    out.push({
      what: `${r.resource} hottest key${r.constantKey !== undefined ? ` (constant '${r.constantKey}')` : ""}`,
      limit: `${limit}/s per partition key`,
      users: share > 0 ? p.users / share : Infinity,
      service: "DynamoDB",
      remedy:
        r.constantKey !== undefined
          ? "write sharding: suffix the key 0..N-1, scatter-gather the reads"
          : "spread the key (a suffix), or cache the hottest key's reads",
    });
    out.push({
      what: `${r.resource} table throughput`,
      limit: `${TABLE_QUOTA_RU.toLocaleString("en-US")} request units/s (default on-demand quota, raisable)`,
      users: at(Math.max(r.rcuPeak, r.wcuPeak), TABLE_QUOTA_RU),
      service: "DynamoDB",
      remedy: "ask AWS to raise the table quota",
    });
  }
  return out.filter((b) => Number.isFinite(b.users)).sort((x, y) => x.users - y.users);
}

/** 1-2-5 user counts from 100k to at least twice the largest the profile asks. */
export function curveUsers(profileMax: number): number[] {
  const out: number[] = [];
  for (let d = 100_000; ; d *= 10) {
    for (const m of [1, 2, 5]) {
      out.push(d * m);
      if (d * m >= Math.max(profileMax * 2, 10_000_000)) return out;
    }
  }
}

export interface PatternCurve {
  scenario: string;
  /** rate steps: throughput and p99 latency (ms) */
  rateSteps: Array<[number, number]>;
  /** concurrency steps: throughput and mean latency by Little's law, N / X (ms) */
  concurrencySteps: Array<[number, number]>;
  fit: UslFit | null;
  /** the fitted USL: X(N), N / X(N) for N = 1..2 N* (or the steps' range) */
  fitCurve: Array<[number, number]>;
  knee: Knee | null;
}

/** X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)) */
export function uslThroughput(f: Pick<UslFit, "sigma" | "kappa" | "lambda">, n: number): number {
  return (f.lambda * n) / (1 + f.sigma * (n - 1) + f.kappa * n * (n - 1));
}

export function patternCurves(sweep: CapacitySweep): PatternCurve[] {
  return sweep.scenarios
    .filter((s) => s.rate || s.concurrency)
    .map((s) => {
      const conc = s.concurrency?.steps ?? [];
      const fit = s.concurrency?.fit ?? null;
      const maxN = Math.max(
        ...conc.map((c) => c.connections),
        fit?.nStar ? Math.ceil(fit.nStar * 2) : 0,
        1,
      );
      const fitCurve: Array<[number, number]> = [];
      if (fit)
        for (let n = 1; n <= maxN; n += Math.max(1, Math.floor(maxN / 40))) {
          const x = uslThroughput(fit, n);
          if (x > 0) fitCurve.push([x, (n / x) * 1000]);
        }
      return {
        scenario: s.name,
        // by the rate asked, so the drill-in steps sit between their neighbours
        rateSteps: (s.rate?.steps ?? [])
          .filter((r) => r.operations > 0)
          .sort((a, b) => a.rate - b.rate)
          .map((r) => [r.throughput, r.latencyMs.p99] as [number, number]),
        concurrencySteps: conc
          .filter((c) => c.throughput > 0)
          .map((c) => [c.throughput, (c.connections / c.throughput) * 1000] as [number, number]),
        fit,
        fitCurve,
        knee: s.rate?.knee ?? null,
      };
    });
}

export interface SweepInfo {
  file: string;
  startedAt: string;
  quick: boolean;
  indexSet: string;
  dynamoVariant: string;
  scale: string;
  users: number;
  machine: SweepMachine;
  scenarios: string[];
}

export interface CapacityReport {
  kind: typeof REPORT_KIND;
  version: number;
  generatedAt: string;
  profile: Profile;
  assumptions: Assumptions;
  prices: {
    file: string;
    region: string;
    currency: string;
    list: Array<{ name: string } & Price>;
  };
  sweep: SweepInfo;
  /** the largest instance class of the price table (one writer's ceiling) */
  largest: { class: string; vcpu: number };
  points: PointProjection[];
  curve: CurvePoint[];
  /** at the largest user count the profile asks, soonest first */
  breaks: BreakPoint[];
  patterns: PatternCurve[];
  /** profile operations the sweep has no cost for: left out of every figure */
  unmeasured: string[];
  notes: string[];
}

export function curvePoint(p: PointProjection): CurvePoint {
  const partition: Record<string, number> = {};
  for (const r of p.dynamo.resources)
    partition[r.resource] = Math.max(r.pressure.rcuShare, r.pressure.wcuShare);
  return {
    users: p.users,
    peakPerS: p.peakPerS.value,
    auroraVcpu: p.aurora.vcpuPeak.value,
    auroraMonthly: p.monthly.aurora.value,
    dynamoMonthly: p.monthly.dynamo.value,
    totalMonthly: p.monthly.total.value,
    partition,
  };
}

export function buildReport(opts: {
  sweep: CapacitySweep;
  sweepFile: string;
  profile: Profile;
  prices: PriceTable;
  assumptions: Assumptions;
  now?: Date;
}): CapacityReport {
  const { sweep, profile, prices, assumptions: a } = opts;
  const points = profile.users.map((u) =>
    projectAt(sweep, profile, prices, a, plannedUsers(profile, u), u),
  );
  const curve = curveUsers(points[points.length - 1].users).map((u) =>
    curvePoint(projectAt(sweep, profile, prices, a, u)),
  );
  const unmeasured = points[0].ops.filter((o) => !o.measured).map((o) => o.scenario);
  const notes = [
    "DynamoDB Local's latency enters no figure: DynamoDB is projected from capacity units and the service's limits.",
    `Aurora CPU: one local core of the sweep's machine (${sweep.machine.cpuModel}) taken as ${a.cpuFactor} Aurora vCPU (--cpu-factor); every figure marked [cpu x${a.cpuFactor}] rests on it.`,
    "Loads grow linearly with users: cost per operation is the one measured at the sweep's scale.",
  ];
  const writes = sweep.scenarios.filter((s) => s.writes && profile.operations[s.name] > 0);
  if (
    writes.length > 0 &&
    !writes.some((s) => (s.cost.dynamo ?? []).some((d) => d.computed.wcu > 0))
  )
    notes.push(
      "The sweep's write paths carry no DynamoDB cost (the sync's writes to the read models were not measured): DynamoDB WCU, and the write load on a constant-key GSI, are left out.",
    );
  const derivedCpu = sweep.scenarios
    .filter((s) => s.cost.postgres?.cpuSource === "derived")
    .map((s) => s.name);
  if (derivedCpu.length > 0)
    notes.push(
      `Server CPU per operation of ${derivedCpu.join(", ")} is derived from execution time (the server's CPU could not be read from /proc).`,
    );
  for (const sc of sweep.scenarios)
    for (const n of sc.cost.notes ?? []) notes.push(`${sc.name}: ${n}`);
  if (sweep.machine.sharedCores)
    notes.push(
      "The sweep's load generator and PostgreSQL shared the machine's cores: its knees are lower bounds.",
    );
  if (unmeasured.length > 0)
    notes.push(
      `Not in the sweep, left out of every figure: ${unmeasured.join(", ")} (run a full sweep to include them).`,
    );
  return {
    kind: REPORT_KIND,
    version: REPORT_VERSION,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    profile,
    assumptions: a,
    prices: {
      file: prices.file,
      region: prices.region,
      currency: prices.currency,
      list: priceList(prices).map((p) => ({ name: p.name, ...p.price })),
    },
    sweep: {
      file: opts.sweepFile,
      startedAt: sweep.startedAt,
      quick: sweep.quick,
      indexSet: sweep.indexSet,
      dynamoVariant: sweep.dynamoVariant,
      scale: sweep.dataset.scale,
      users: sweep.dataset.users,
      machine: sweep.machine,
      scenarios: sweep.scenarios.map((s) => s.name),
    },
    largest: {
      class: largestClass(prices.aurora.instances).class,
      vcpu: largestClass(prices.aurora.instances).vcpu,
    },
    points,
    curve,
    breaks: breakPoints(points[points.length - 1], prices, a),
    patterns: patternCurves(sweep),
    unmeasured,
    notes,
  };
}

/** One row of a what-if: a report's figures at its largest user count. */
export interface WhatIfRow {
  label: string;
  users: number;
  vcpuPeak: number;
  writer: string;
  readers: string;
  auroraMonthly: number;
  dynamoRcuPeak: number;
  dynamoWcuPeak: number;
  shardsNeeded: number;
  dynamoMonthly: number;
  totalMonthly: number;
  firstBreak: string;
}

export interface WhatIf {
  /** "index sets" or "DynamoDB variants" */
  dimension: string;
  rows: WhatIfRow[];
  /** the last row against the first: what it saves (positive = cheaper) */
  saves: { vcpu: number; monthly: number };
}

export function whatIf(
  dimension: string,
  reports: { label: string; report: CapacityReport }[],
): WhatIf {
  const rows = reports.map(({ label, report }) => {
    const p = report.points[report.points.length - 1];
    const b = report.breaks[0];
    return {
      label,
      users: p.users,
      vcpuPeak: p.aurora.vcpuPeak.value,
      writer: p.aurora.writer.class,
      readers: `${p.aurora.readers.count} x ${p.aurora.readers.class}`,
      auroraMonthly: p.monthly.aurora.value,
      dynamoRcuPeak: p.dynamo.rcuPeak.value,
      dynamoWcuPeak: p.dynamo.wcuPeak.value,
      shardsNeeded: Math.max(1, ...p.dynamo.resources.map((r) => r.pressure.shardsNeeded)),
      dynamoMonthly: p.monthly.dynamo.value,
      totalMonthly: p.monthly.total.value,
      firstBreak: b ? `${b.what} at ${Math.round(b.users).toLocaleString("en-US")} users` : "none",
    };
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    dimension,
    rows,
    saves: {
      vcpu: first.vcpuPeak - last.vcpuPeak,
      monthly: first.totalMonthly - last.totalMonthly,
    },
  };
}

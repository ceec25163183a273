import type { InstanceClass, PriceTable } from "./prices.ts";
import { scenarioOf } from "./projection-traffic.ts";
import {
  type Assumptions,
  type AuroraProjection,
  fig,
  type InstanceChoice,
  type OpsRow,
} from "./projection-types.ts";
import type { CapacitySweep, SweepScenario } from "./types.ts";

/**
 * Aurora PostgreSQL from the sweep's PostgreSQL cost per operation: vCPUs at
 * peak, the instance classes that fit, the Serverless v2 ACU range, busy
 * connections, storage, I/O and the monthly cost on Standard and
 * I/O-Optimized. Pure: no I/O.
 */

const GIB = 1024 ** 3;
/** RDS's max_connections: LEAST(DBInstanceClassMemory / 9531392, 5000) */
const BYTES_PER_CONNECTION = 9_531_392;
export const MAX_CONNECTIONS = 5_000;
/** Serverless v2's largest instance */
export const MAX_ACU = 256;
/** Serverless v2's smallest setting without auto-pause */
const MIN_ACU = 0.5;
/** Aurora write I/O is counted in 4 KB units */
const WRITE_IO_BYTES = 4096;

export function maxConnections(memoryGiB: number): number {
  return Math.min(Math.floor((memoryGiB * GIB) / BYTES_PER_CONNECTION), MAX_CONNECTIONS);
}

function choice(c: InstanceClass, count: number, fits: boolean): InstanceChoice {
  return {
    class: c.class,
    vcpu: c.vcpu,
    memoryGiB: c.memoryGiB,
    hourly: c.hourly.value,
    count,
    fits,
  };
}

export function largestClass(table: InstanceClass[]): InstanceClass {
  return table.reduce((a, b) =>
    b.vcpu > a.vcpu || (b.vcpu === a.vcpu && b.hourly.value < a.hourly.value) ? b : a,
  );
}

/** The cheapest class with at least `vcpu` vCPUs (the largest, not fitting, when none has). */
export function writerClass(table: InstanceClass[], vcpu: number): InstanceChoice {
  const fit = table
    .filter((c) => c.vcpu >= vcpu)
    .sort((a, b) => a.hourly.value - b.hourly.value)[0];
  return fit ? choice(fit, 1, true) : choice(largestClass(table), 1, false);
}

/** The cheapest fleet of one class (minReaders..maxReaders instances) with `vcpu` vCPUs in all. */
export function readerFleet(
  table: InstanceClass[],
  vcpu: number,
  a: Pick<Assumptions, "minReaders" | "maxReaders">,
): InstanceChoice {
  let best: InstanceChoice | null = null;
  for (const c of table) {
    const count = Math.max(a.minReaders, Math.ceil(vcpu / c.vcpu - 1e-9));
    if (count > a.maxReaders) continue;
    const cost = count * c.hourly.value;
    if (!best || cost < best.count * best.hourly - 1e-12) best = choice(c, count, true);
  }
  return best ?? choice(largestClass(table), a.maxReaders, false);
}

/** Median service time at the rate step nearest the cost's rate (ms), else execution time. */
function holdMs(s: SweepScenario): { ms: number; how: string } {
  const steps = s.rate?.steps ?? [];
  const pg = s.cost.postgres;
  if (steps.length > 0) {
    const near = steps.reduce((a, b) =>
      Math.abs(b.throughput - s.cost.atRate) < Math.abs(a.throughput - s.cost.atRate) ? b : a,
    );
    if (near.serviceTimeMs.p50 > 0)
      return { ms: near.serviceTimeMs.p50, how: "step p50 service time" };
  }
  return { ms: pg?.execMsPerOp ?? 0, how: "execution time" };
}

export function ceilHalf(v: number): number {
  return Math.ceil(v * 2 - 1e-9) / 2;
}

export function projectAurora(
  sweep: CapacitySweep,
  ops: OpsRow[],
  users: number,
  prices: PriceTable,
  a: Assumptions,
): AuroraProjection {
  const hours = prices.hoursPerMonth.value;
  const seconds = hours * 3600;
  const cpuNote = `cpu x${a.cpuFactor} at ${Math.round(a.targetCpu * 100)}% target`;
  let writerPeak = 0;
  let readerPeak = 0;
  let avg = 0;
  let writerConn = 0;
  let readerConn = 0;
  let readIo = 0;
  let writeIo = 0;
  for (const o of ops) {
    const s = scenarioOf(sweep, o.scenario);
    const pg = s?.cost.postgres;
    if (!s || !pg) continue;
    const vcpuPerOps = ((pg.cpuMsPerOp / 1000) * a.cpuFactor) / a.targetCpu;
    const hold = holdMs(s).ms / 1000;
    if (o.writes) {
      writerPeak += o.peakPerS * vcpuPerOps;
      writerConn += o.peakPerS * hold;
    } else {
      readerPeak += o.peakPerS * vcpuPerOps;
      readerConn += o.peakPerS * hold;
    }
    avg += o.avgPerS * vcpuPerOps;
    const blocks = pg.sharedBlksHitPerOp + pg.sharedBlksReadPerOp;
    readIo += o.avgPerS * seconds * blocks * (1 - a.cacheHit);
    // the server's WAL per operation where measured (commit records included), else the statements'
    const wal = pg.serverWalBytesPerOp ?? pg.walBytesPerOp;
    if (wal > 0) writeIo += o.avgPerS * seconds * Math.ceil(wal / WRITE_IO_BYTES);
  }
  const table = prices.aurora.instances;
  const writer = writerClass(table, writerPeak);
  const readers = readerFleet(table, readerPeak, a);
  const vcpuPeak = writerPeak + readerPeak;
  const tableBytes = sweep.dataset.pgTables.reduce((t, r) => t + r.tableBytes + r.indexBytes, 0);
  const bytesPerUser = sweep.dataset.users > 0 ? tableBytes / sweep.dataset.users : 0;
  const storageGiB = (bytesPerUser * users) / GIB;
  const instances = (writer.hourly * writer.count + readers.hourly * readers.count) * hours;
  const ap = prices.aurora;
  const standard =
    instances +
    storageGiB * ap.storageGiBMonth.standard.value +
    ((readIo + writeIo) / 1e6) * ap.ioPerMillion.value;
  const ioOptimized =
    instances * ap.ioOptimizedInstanceFactor.value +
    storageGiB * ap.storageGiBMonth.ioOptimized.value;
  const perInstanceMax = Math.max(writerPeak, readers.count > 0 ? readerPeak / readers.count : 0);
  const acuMax = ceilHalf(Math.max(0.5, perInstanceMax * a.acuPerVcpu));
  const acuAvg = avg * a.acuPerVcpu;
  // every instance (the writer and the readers kept) bills at least its 0.5 ACU floor
  const acuBilled = Math.max(acuAvg, (1 + a.minReaders) * MIN_ACU);
  const serverless =
    acuBilled * hours * ap.serverlessAcuHour.standard.value +
    storageGiB * ap.storageGiBMonth.standard.value +
    ((readIo + writeIo) / 1e6) * ap.ioPerMillion.value;
  const provisioned = Math.min(standard, ioOptimized);
  // Serverless v2 only while its largest instance fits in 256 ACU
  const useServerless = serverless < provisioned && acuMax <= MAX_ACU;
  const chosen = useServerless ? serverless : provisioned;
  const choiceName = useServerless
    ? "Serverless v2"
    : standard <= ioOptimized
      ? "Standard"
      : "I/O-Optimized";
  return {
    vcpuPeak: fig(vcpuPeak, "vCPU", "derived", `server CPU per op x peak ops/s, ${cpuNote}`, true),
    vcpuAvg: fig(avg, "vCPU", "derived", `server CPU per op x average ops/s, ${cpuNote}`, true),
    writerVcpu: fig(writerPeak, "vCPU", "derived", `write paths at peak, ${cpuNote}`, true),
    readerVcpu: fig(readerPeak, "vCPU", "derived", `read patterns at peak, ${cpuNote}`, true),
    writer,
    readers,
    acu: {
      min: fig(MIN_ACU, "ACU", "assumed", "Serverless v2's floor without auto-pause"),
      max: fig(
        acuMax,
        "ACU",
        "derived",
        `largest instance's peak vCPUs x ${a.acuPerVcpu} ACU/vCPU`,
        true,
      ),
      avg: fig(acuAvg, "ACU", "derived", `cluster average vCPUs x ${a.acuPerVcpu} ACU/vCPU`, true),
      fitsOneInstance: acuMax <= MAX_ACU,
    },
    connections: {
      writer: fig(
        Math.ceil(writerConn),
        "connections",
        "derived",
        "Little's law: peak write ops/s x time each holds a connection",
      ),
      readers: fig(
        Math.ceil(readerConn),
        "connections",
        "derived",
        "Little's law: peak read ops/s x time each holds a connection",
      ),
      writerMax: fig(
        maxConnections(writer.memoryGiB),
        "connections",
        "assumed",
        `LEAST(memory/9531392, 5000) for ${writer.class} (RDS formula)`,
      ),
    },
    bytesPerUser: fig(
      bytesPerUser,
      "bytes",
      "measured",
      `tables + indexes / ${sweep.dataset.users} users at ${sweep.dataset.scale}`,
    ),
    storageGiB: fig(storageGiB, "GiB", "derived", "bytes per user x users"),
    io: {
      readPerMonth: fig(
        readIo,
        "I/Os",
        "derived",
        `blocks per op x ops x (1 - ${a.cacheHit} cache hit, assumed)`,
      ),
      writePerMonth: fig(writeIo, "I/Os", "derived", "WAL bytes per op in 4 KB units x ops"),
    },
    monthly: {
      instances: fig(
        instances,
        "USD",
        "derived",
        "writer + readers x hourly price x hours a month",
        true,
      ),
      standard: fig(standard, "USD", "derived", "instances + storage + I/O", true),
      ioOptimized: fig(
        ioOptimized,
        "USD",
        "derived",
        `instances x ${ap.ioOptimizedInstanceFactor.value} + storage, no I/O charge`,
        true,
      ),
      choice: choiceName,
      provisioned: fig(
        provisioned,
        "USD",
        "derived",
        "the cheaper of Standard and I/O-Optimized instances",
        true,
      ),
      serverless: fig(
        serverless,
        "USD",
        "derived",
        "Serverless v2 at the average ACUs (at least 0.5 an instance) + storage + I/O",
        true,
      ),
      total: fig(
        chosen,
        "USD",
        "derived",
        "the cheapest of Standard, I/O-Optimized and Serverless v2",
        true,
      ),
    },
  };
}

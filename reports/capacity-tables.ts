import type { CapacityReport, WhatIf } from "../capacity/projection.ts";
import type { Fig, PointProjection } from "../capacity/projection-types.ts";
import { num } from "../core/format.ts";
import type { Table } from "./tune-tables.ts";

/**
 * The capacity report's content as plain strings (summary lines, tables,
 * warnings), shared by the terminal, Markdown and HTML renderers; each
 * escapes for its own format. Every figure carries its label: (m) measured,
 * (d) derived, (a) assumed, and [cpu xF] where it rests on the CPU assumption.
 */

export const BASIS_MARK = { measured: "m", derived: "d", assumed: "a" } as const;

/** 100k, 1M, 14.3M */
export function usersText(n: number): string {
  if (n >= 1e9) return `${Number((n / 1e9).toPrecision(3))}B`;
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))}M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(3))}k`;
  return num(n);
}

export function usd(v: number): string {
  return `$${num(v, v < 100 ? 2 : 0)}`;
}

/** A figure's value with sensible precision and its unit. */
export function value(f: Fig): string {
  const v = f.value;
  switch (f.unit) {
    case "USD":
      return usd(v);
    case "share":
      return `${Number((v * 100).toPrecision(3))}%`;
    case "bytes":
      return v >= 1024 * 1024
        ? `${num(v / 1024 / 1024, 1)} MiB`
        : v >= 1024
          ? `${num(v / 1024, 1)} KiB`
          : `${num(v)} B`;
    case "connections":
    case "I/Os":
      return `${num(v)} ${f.unit}`;
    case "GiB":
      return `${num(v, v < 10 ? 2 : 0)} GiB`;
    default:
      return `${num(v, v < 10 ? 2 : v < 100 ? 1 : 0)} ${f.unit}`;
  }
}

/** "4.20 vCPU (d) [cpu x1]" */
export function figText(f: Fig, cpuFactor: number): string {
  return `${value(f)} (${BASIS_MARK[f.basis]})${f.cpu ? ` [cpu x${cpuFactor}]` : ""}`;
}

export const LEGEND = (cpuFactor: number) =>
  `(m) measured by the sweep, (d) derived from measured figures and the profile, (a) assumed; [cpu x${cpuFactor}] rests on the CPU assumption: one local core of the sweep's machine = ${cpuFactor} Aurora vCPU (--cpu-factor)`;

function pointHead(r: CapacityReport): string[] {
  return r.points.map((p) => `${usersText(p.baseUsers)} users (${usersText(p.users)} sized)`);
}

/** The short summary a manager reads first: one block per user count, then what breaks first. */
export function summaryLines(r: CapacityReport): string[] {
  const f = r.assumptions.cpuFactor;
  const out: string[] = [];
  const g = r.profile;
  for (const p of r.points) {
    const a = p.aurora;
    const d = p.dynamo;
    out.push(
      `${usersText(p.baseUsers)} users today, sized for ${usersText(p.users)} (${Math.round(g.monthlyGrowth * 1000) / 10}%/month for ${g.monthsAhead} months), ${usersText(p.activeUsers)} active a day: peak ${num(p.peakPerS.value)} ops/s (average ${num(p.avgPerS.value)})`,
      a.monthly.choice === "Serverless v2"
        ? `  Aurora Serverless v2: a writer and ${a.readers.count} reader${a.readers.count === 1 ? "" : "s"} of ${a.acu.min.value}-${a.acu.max.value} ACU, ${figText(a.vcpuPeak, f)} at peak: ${figText(a.monthly.total, f)}/month (provisioned instead, ${a.writer.class} writer + ${a.readers.count} x ${a.readers.class}: ${usd(a.monthly.provisioned.value)})`
        : `  Aurora: ${a.writer.class} writer + ${a.readers.count} x ${a.readers.class} reader${a.readers.count === 1 ? "" : "s"}${a.writer.fits && a.readers.fits ? "" : " (DO NOT FIT: see what breaks first)"}, ${figText(a.vcpuPeak, f)} at peak, ${a.monthly.choice}: ${figText(a.monthly.total, f)}/month (Serverless v2 instead: ${usd(a.monthly.serverless.value)})`,
      `  DynamoDB: ${num(d.rcuPeak.value)} RCU/s and ${num(d.wcuPeak.value)} WCU/s at peak, ${d.monthly.choice}: ${figText(d.monthly.total, f)}/month`,
      `  Total: ${figText(p.monthly.total, f)}/month`,
    );
  }
  const b = r.breaks[0];
  const last = r.points[r.points.length - 1];
  if (b) {
    const then = r.breaks[1] ? `; then ${r.breaks[1].what} at ${usersText(r.breaks[1].users)}` : "";
    out.push(
      `What breaks first: ${b.what} (${b.limit}) at ${usersText(b.users)} users${b.users <= last.users ? `, BEFORE the ${usersText(last.users)} sized for` : ` (${num(b.users / last.users, 1)}x the ${usersText(last.users)} sized for)`}${then}. Remedy: ${b.remedy}.`,
    );
  }
  for (const w of partitionWarnings(r)) out.push(`Warning: ${w}`);
  if (r.unmeasured.length > 0)
    out.push(`Left out of every figure (not in the sweep): ${r.unmeasured.join(", ")}`);
  const dynamoWrites = r.notes.find((n) =>
    n.startsWith("The sweep's write paths carry no DynamoDB cost"),
  );
  if (dynamoWrites) out.push(`Left out: ${dynamoWrites}`);
  out.push(
    `Prices: ${r.prices.region} from ${r.prices.file} (each price's source and the date read: see "Prices")`,
  );
  return out;
}

/** Hot partitions: every constant-key GSI (with its sharding factor) and every key over its limit. */
export function partitionWarnings(r: CapacityReport): string[] {
  const p = r.points[r.points.length - 1];
  const out: string[] = [];
  for (const x of p.dynamo.resources) {
    const load = `${num(x.hotWcuPeak)} WCU/s and ${num(x.hotRcuPeak)} RCU/s at peak on one key (${num(x.pressure.wcuShare * 100)}% of 1,000 WCU, ${num(x.pressure.rcuShare * 100)}% of 3,000 RCU)`;
    if (x.constantKey !== undefined) {
      const until = r.breaks.find((b) => b.what.startsWith(`${x.resource} hottest key`));
      const scatter = x.scatter
        ? `; scatter-gather reads then query all ${x.scatter.shards} shards: ${num(x.scatter.readRcuPeakBefore)} -> ${num(x.scatter.readRcuPeakAfter)} RCU/s at peak`
        : `; needs no second shard yet${until ? `, needs 2 from ${usersText(until.users)} users` : ""}`;
      out.push(
        `${x.resource} is keyed on the constant '${x.constantKey}': every entry on one partition; at ${usersText(p.users)} users ${load}; write-sharding factor ${x.pressure.shardsNeeded}${scatter}`,
      );
    } else if (x.pressure.over) {
      out.push(
        `${x.resource}: its hottest key (${num(x.hotShare.value * 100)}% of its traffic, assumed) takes ${load}; shard it ${x.pressure.shardsNeeded} ways`,
      );
    }
  }
  return out;
}

export function trafficTable(r: CapacityReport): Table {
  const head = ["operation", "kind", "per active user a day (a)"];
  for (const h of pointHead(r)) head.push(`${h} avg ops/s (d)`, `peak ops/s (d)`);
  const rows = r.points[0].ops.map((o, i) => {
    const row = [
      o.scenario,
      `${o.writes ? "write" : "read"}${o.measured ? "" : ", not in the sweep"}`,
      String(o.perActiveUserPerDay),
    ];
    for (const p of r.points) row.push(num(p.ops[i].avgPerS, 1), num(p.ops[i].peakPerS, 1));
    return row;
  });
  const total = ["all measured", "", ""];
  for (const p of r.points) total.push(num(p.avgPerS.value, 1), num(p.peakPerS.value, 1));
  rows.push(total);
  return { head, rows };
}

function figRows(
  r: CapacityReport,
  items: Array<[string, (p: PointProjection) => Fig | string]>,
): Table {
  const f = r.assumptions.cpuFactor;
  return {
    head: ["figure", ...pointHead(r), "how"],
    rows: items.map(([label, get]) => {
      const figs = r.points.map(get);
      const first = figs.find((x): x is Fig => typeof x !== "string");
      return [
        label,
        ...figs.map((x) => (typeof x === "string" ? x : figText(x, f))),
        first?.how ?? "",
      ];
    }),
  };
}

export function auroraTable(r: CapacityReport): Table {
  const inst = (c: PointProjection["aurora"]["writer"]) =>
    `${c.count > 1 ? `${c.count} x ` : ""}${c.class} (${c.vcpu} vCPU, ${c.memoryGiB} GiB, $${c.hourly}/h)${c.fits ? "" : " TOO SMALL"}`;
  return figRows(r, [
    ["vCPUs at peak", (p) => p.aurora.vcpuPeak],
    ["  writer (write paths)", (p) => p.aurora.writerVcpu],
    ["  readers (read patterns)", (p) => p.aurora.readerVcpu],
    ["vCPUs on average", (p) => p.aurora.vcpuAvg],
    ["writer class", (p) => inst(p.aurora.writer)],
    ["readers", (p) => inst(p.aurora.readers)],
    [
      "Serverless v2 ACU range",
      (p) =>
        `${p.aurora.acu.min.value}-${p.aurora.acu.max.value} ACU per instance (a/d) [cpu x${r.assumptions.cpuFactor}]${p.aurora.acu.fitsOneInstance ? "" : " over 256: does not fit"}`,
    ],
    ["Serverless v2 ACUs on average", (p) => p.aurora.acu.avg],
    ["busy connections at peak, writer", (p) => p.aurora.connections.writer],
    ["busy connections at peak, readers", (p) => p.aurora.connections.readers],
    ["writer's max_connections", (p) => p.aurora.connections.writerMax],
    ["bytes per user", (p) => p.aurora.bytesPerUser],
    ["storage", (p) => p.aurora.storageGiB],
    ["read I/Os a month", (p) => p.aurora.io.readPerMonth],
    ["write I/Os a month", (p) => p.aurora.io.writePerMonth],
    ["instances a month", (p) => p.aurora.monthly.instances],
    ["Standard a month", (p) => p.aurora.monthly.standard],
    ["I/O-Optimized a month", (p) => p.aurora.monthly.ioOptimized],
    ["Serverless v2 instead, a month", (p) => p.aurora.monthly.serverless],
    ["provisioned, the cheaper option, a month", (p) => p.aurora.monthly.provisioned],
    ["Aurora a month (the cheapest that fits)", (p) => p.aurora.monthly.total],
    ["Aurora chosen", (p) => p.aurora.monthly.choice],
  ]);
}

export function dynamoCostTable(r: CapacityReport): Table {
  return figRows(r, [
    ["RCU/s at peak", (p) => p.dynamo.rcuPeak],
    ["WCU/s at peak", (p) => p.dynamo.wcuPeak],
    ["on-demand a month", (p) => p.dynamo.monthly.onDemand],
    ["provisioned, auto scaling, a month", (p) => p.dynamo.monthly.provisionedAuto],
    ["provisioned at peak all month", (p) => p.dynamo.monthly.provisionedAtPeak],
    ["provisioned beats on-demand above this use", (p) => p.dynamo.crossoverUse],
    ["bytes per user", (p) => p.dynamo.bytesPerUser],
    ["storage", (p) => p.dynamo.storageGiB],
    ["storage a month", (p) => p.dynamo.monthly.storage],
    ["DynamoDB a month", (p) => p.dynamo.monthly.total],
  ]);
}

/** Per table and GSI at the largest user count: units and the hottest key against a partition. */
export function partitionTable(r: CapacityReport): Table {
  const p = r.points[r.points.length - 1];
  return {
    head: [
      "table / GSI",
      "RCU/s avg / peak (d)",
      "WCU/s avg / peak (d)",
      "hottest key's share",
      "hottest key at peak (d)",
      "of one partition (d)",
      "shards needed (d)",
      "peak by ConsumedCapacity (m, the sweep's endpoint)",
    ],
    rows: p.dynamo.resources.map((x) => [
      x.resource,
      `${num(x.rcuAvg, 1)} / ${num(x.rcuPeak, 1)}`,
      `${num(x.wcuAvg, 1)} / ${num(x.wcuPeak, 1)}`,
      `${value(x.hotShare)} (${BASIS_MARK[x.hotShare.basis]})${x.constantKey !== undefined ? ` constant '${x.constantKey}'` : ""}`,
      `${num(x.hotRcuPeak, 1)} RCU/s, ${num(x.hotWcuPeak, 1)} WCU/s`,
      `${num(x.pressure.rcuShare * 100, 1)}% RCU, ${num(x.pressure.wcuShare * 100, 1)}% WCU${x.pressure.over ? " OVER" : ""}`,
      String(x.pressure.shardsNeeded),
      x.measuredPeak
        ? `${num(x.measuredPeak.rcu, 1)} RCU/s, ${num(x.measuredPeak.wcu, 1)} WCU/s`
        : "not reported",
    ]),
  };
}

export function costTable(r: CapacityReport): Table {
  return figRows(r, [
    ["Aurora", (p) => p.monthly.aurora],
    ["DynamoDB", (p) => p.monthly.dynamo],
    ["total a month", (p) => p.monthly.total],
  ]);
}

/** The limits nearest first: the first `shown`, the rest counted in one last row. */
export function breaksTable(r: CapacityReport, shown = 6): Table {
  const rows = r.breaks.slice(0, shown).map((b) => [b.what, b.limit, usersText(b.users), b.remedy]);
  const rest = r.breaks.slice(shown);
  if (rest.length > 0)
    rows.push([
      `${rest.length} more limits`,
      "",
      `from ${usersText(rest[0].users)}`,
      "all in the JSON figures (--out)",
    ]);
  return { head: ["limit reached", "limit", "at users (d)", "remedy"], rows };
}

export function assumptionsTable(r: CapacityReport): Table {
  const a = r.assumptions;
  const g = r.profile;
  return {
    head: ["assumption", "value", "where to change it"],
    rows: [
      ["Aurora vCPUs per local core of CPU time", `${a.cpuFactor}`, "--cpu-factor"],
      ["Aurora CPU utilisation sized for at peak", `${a.targetCpu * 100}%`, "--target-cpu"],
      ["DynamoDB provisioned utilisation target", `${a.dynamoTarget * 100}%`, "--dynamo-target"],
      ["buffer-cache hit ratio at the projected size", `${a.cacheHit * 100}%`, "--cache-hit"],
      ["Serverless v2 ACUs per vCPU", `${a.acuPerVcpu}`, "(r family heuristic)"],
      [
        "readers kept at least / at most",
        `${a.minReaders} / ${a.maxReaders}`,
        "(high availability / Aurora's ceiling)",
      ],
      ["daily-active share", `${g.dailyActiveShare * 100}%`, `profile ${g.file}`],
      ["peak-to-average factor", `${g.peakToAverage}`, `profile ${g.file}`],
      [
        "growth",
        `${g.monthlyGrowth * 100}%/month for ${g.monthsAhead} months`,
        `profile ${g.file}`,
      ],
      [
        "hottest key's share (no constant key seen)",
        `${g.hotKeyShare * 100}%`,
        `profile ${g.file} (hotKeyShare)`,
      ],
    ],
  };
}

export function pricesTable(r: CapacityReport): Table {
  return {
    head: ["price", "value", "unit", "source", "read"],
    rows: r.prices.list.map((p) => [p.name, String(p.value), p.unit, p.source, p.read]),
  };
}

/** What is measured, derived and assumed: the basis of every kind of figure. */
export function basisTable(): Table {
  return {
    head: ["figure", "basis", "from"],
    rows: [
      [
        "server CPU, blocks, WAL per operation (PostgreSQL)",
        "measured",
        "the sweep: pg_stat_statements and the server's /proc CPU at a rate below the knee",
      ],
      [
        "capacity units per operation (DynamoDB)",
        "measured (item sizes) / derived (units)",
        "the sweep: item sizes by AWS's rules; ConsumedCapacity shown beside",
      ],
      [
        "bytes per user",
        "measured",
        "the sweep's dataset: tables + indexes, items + GSI entries, over its users",
      ],
      [
        "latency, throughput, USL fit, knee (charts)",
        "measured / derived",
        "the sweep's PostgreSQL steps; DynamoDB Local's latency is never used",
      ],
      [
        "operations per second",
        "derived",
        "the profile's users, daily-active share, operations and peak factor",
      ],
      [
        "vCPUs, instance classes, ACUs, Aurora cost",
        "derived, [cpu xF]",
        "CPU per op x ops/s x cpu factor / target utilisation",
      ],
      ["connections", "derived", "Little's law: ops/s x the time each holds a connection"],
      [
        "RCU/WCU per table and GSI, DynamoDB cost",
        "derived",
        "units per op x ops/s, the price table",
      ],
      [
        "hottest key's share",
        "measured (constant key) / assumed",
        "the sweep's constantKey; else the profile's hotKeyShare",
      ],
      [
        "traffic mix, growth, peak factor, utilisation targets, cache hit, CPU factor",
        "assumed",
        "the profile and the flags (Assumptions)",
      ],
      ["prices", "assumed", "the price table, each with its source and date"],
    ],
  };
}

export function whatIfTable(w: WhatIf, cpuFactor: number): Table {
  return {
    head: [
      w.dimension === "index sets" ? "index set" : "DynamoDB variant",
      "users sized",
      `Aurora vCPU at peak [cpu x${cpuFactor}]`,
      "writer / readers",
      "Aurora a month",
      "RCU/s / WCU/s at peak",
      "shards needed",
      "DynamoDB a month",
      "total a month",
      "breaks first",
    ],
    rows: w.rows.map((x) => [
      x.label,
      usersText(x.users),
      num(x.vcpuPeak, 2),
      `${x.writer} / ${x.readers}`,
      usd(x.auroraMonthly),
      `${num(x.dynamoRcuPeak)} / ${num(x.dynamoWcuPeak)}`,
      String(x.shardsNeeded),
      usd(x.dynamoMonthly),
      usd(x.totalMonthly),
      x.firstBreak,
    ]),
  };
}

export function whatIfLine(w: WhatIf, cpuFactor: number): string {
  const a = w.rows[0];
  const b = w.rows[w.rows.length - 1];
  const vcpu =
    w.saves.vcpu >= 0
      ? `saves ${num(w.saves.vcpu, 2)} vCPU at peak`
      : `needs ${num(-w.saves.vcpu, 2)} vCPU more at peak`;
  const money =
    w.saves.monthly >= 0
      ? `saves ${usd(w.saves.monthly)} a month`
      : `costs ${usd(-w.saves.monthly)} a month more`;
  return `${w.dimension}: ${b.label} against ${a.label} at ${usersText(b.users)} users ${vcpu} [cpu x${cpuFactor}] and ${money} (${usd(a.totalMonthly)} -> ${usd(b.totalMonthly)})`;
}

export function sweepLine(r: CapacityReport): string {
  const s = r.sweep;
  return `sweep ${s.file} (${s.startedAt}${s.quick ? ", quick" : ""}): ${s.scale}, ${num(s.users)} users, index set ${s.indexSet}, DynamoDB variant ${s.dynamoVariant}, ${s.machine.cpus} cores (${s.machine.cpuModel}), PostgreSQL ${s.machine.postgresVersion}, ${s.machine.dynamoEndpoint}`;
}

import type { CapacityReport } from "../capacity/projection.ts";
import { usersText } from "./capacity-tables.ts";
import { type LineChartOptions, lineChart, lineChartDocument, type Series } from "./svg.ts";

/**
 * The capacity report's charts, all drawn by reports/svg.ts: latency against
 * throughput per PostgreSQL pattern with the fitted USL curve and the knee;
 * monthly cost, Aurora vCPUs and each hottest key's load against its
 * partition limit, over users from 100k up (log axes).
 */

const COLORS = ["#2f6fdf", "#1f9d6b", "#d6336c", "#b54708", "#7048e8", "#0c8599", "#5b6475"];
/** $500, $2k, $1.5M: short enough for the y axis */
function dollars(v: number): string {
  if (v >= 1e6) return `$${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e3) return `$${Number((v / 1e3).toPrecision(3))}k`;
  return `$${Number(v.toPrecision(3))}`;
}

/** Shares under this (in %) are drawn on it, so idle tables do not stretch the axis down */
const PARTITION_FLOOR = 0.1;

const usersAxis = { label: "users (log)", log: true, format: usersText };

export function latencyCharts(r: CapacityReport): string[] {
  return r.patterns.map((p, i) => {
    const series: Series[] = [
      { label: "p99, rate steps", color: COLORS[0], points: p.rateSteps },
      { label: "mean N/X, concurrency steps", color: COLORS[1], points: p.concurrencySteps },
      {
        label: p.fit
          ? `USL fit (R² ${p.fit.r2.toFixed(3)}${p.fit.good ? "" : `, poor: ${p.fit.reason ?? "not good"}`})`
          : "no USL fit",
        color: COLORS[6],
        points: p.fitCurve,
        dashed: true,
      },
    ];
    if (p.knee)
      series.push({
        label: `knee ${Math.round(p.knee.throughput)} ops/s`,
        color: COLORS[2],
        points: [[p.knee.throughput, p.knee.latencyP99Ms]],
      });
    return lineChart({
      id: `latency-${i}`,
      title: `${p.scenario}: latency against throughput (measured, this machine)`,
      series,
      x: { label: "throughput, ops/s", min: 0 },
      y: { label: "latency ms (log)", log: true },
    });
  });
}

function costOptions(r: CapacityReport): LineChartOptions {
  const c = r.curve;
  return {
    id: "cost",
    title: `Monthly cost against users (${r.prices.region}, derived) [cpu x${r.assumptions.cpuFactor}]`,
    series: [
      { label: "Aurora", color: COLORS[1], points: c.map((p) => [p.users, p.auroraMonthly]) },
      { label: "DynamoDB", color: COLORS[3], points: c.map((p) => [p.users, p.dynamoMonthly]) },
      // drawn last and dashed: where one service is nearly all of it, both lines stay visible
      {
        label: "total",
        color: COLORS[0],
        dashed: true,
        points: c.map((p) => [p.users, p.totalMonthly]),
      },
    ],
    x: usersAxis,
    y: { label: "USD a month (log)", log: true, format: dollars },
  };
}

export function costChart(r: CapacityReport): string {
  return lineChart(costOptions(r));
}

/** The cost chart as a standalone SVG file (`capacity report --svg FILE`). */
export function costChartDocument(r: CapacityReport): string {
  return lineChartDocument({ ...costOptions(r), width: 640, height: 280 });
}

export function vcpuChart(r: CapacityReport): string {
  const c = r.curve;
  const largest = r.largest.vcpu;
  return lineChart({
    id: "vcpu",
    title: `Aurora vCPUs at peak against users (derived) [cpu x${r.assumptions.cpuFactor}]`,
    series: [
      {
        label: "vCPUs at peak, whole cluster",
        color: COLORS[1],
        points: c.map((p) => [p.users, p.auroraVcpu]),
      },
      {
        label: `largest class in the price table: ${r.largest.class}, ${largest} vCPU`,
        color: COLORS[2],
        dashed: true,
        points: [
          [c[0].users, largest],
          [c[c.length - 1].users, largest],
        ],
      },
    ],
    x: usersAxis,
    y: { label: "vCPU (log)", log: true },
  });
}

export function partitionChart(r: CapacityReport): string {
  const c = r.curve;
  const names = Object.keys(c[c.length - 1]?.partition ?? {});
  const series: Series[] = names.map((n, i) => ({
    label: n,
    color: COLORS[i % 6],
    points: c.map(
      (p) => [p.users, Math.max(PARTITION_FLOOR, (p.partition[n] ?? 0) * 100)] as [number, number],
    ),
  }));
  series.push({
    label: "one partition's limit (3,000 RCU / 1,000 WCU)",
    color: COLORS[6],
    dashed: true,
    points: [
      [c[0].users, 100],
      [c[c.length - 1].users, 100],
    ],
  });
  return lineChart({
    id: "partition",
    title: "Hottest key's load against one partition's limit (derived)",
    series,
    x: usersAxis,
    y: {
      label: `% of the limit (log, floor ${PARTITION_FLOOR})`,
      log: true,
      format: (v) => `${v}`,
    },
  });
}

import { UsageError } from "../scripts/lib/errors.ts";
import { type Histogram, percentileMs } from "./histogram.ts";
import type { ThresholdOutcome } from "./result.ts";

/**
 * k6-style thresholds: per metric, a list of expressions.
 *
 *   { latency:      ["p(95)<25", "p(99.9)<=100", "avg<10", "med<5", "max<500"],
 *     service_time: ["p(99)<20"],
 *     errors:       ["rate<0.001"],
 *     throughput:   ["throughput>500"],
 *     dropped:      ["dropped<1"] }
 *
 * An expression is AGGREGATION OPERATOR NUMBER. Latency and service time are
 * in milliseconds and take p(N) (0 < N <= 100), avg, med, min, max, stdev,
 * count; errors take rate (errors / operations) and count; throughput takes
 * throughput or rate (successful operations per second); dropped takes
 * dropped or count, and rate (dropped / scheduled); operations takes ok and
 * count. Operators: < <= > >= == !=.
 */
export const METRICS = [
  "latency",
  "service_time",
  "errors",
  "throughput",
  "dropped",
  "operations",
] as const;
export type MetricName = (typeof METRICS)[number];
export type ThresholdConfig = Partial<Record<MetricName, string[]>>;

type Op = "<" | "<=" | ">" | ">=" | "==" | "!=";

export interface Threshold {
  metric: MetricName;
  /** "p" (with `percentile`), avg, med, min, max, stdev, count, rate, throughput, dropped, ok */
  aggregation: string;
  percentile?: number;
  op: Op;
  value: number;
  /** the expression as written (without a metric prefix) */
  expression: string;
}

const ALLOWED: Record<MetricName, string[]> = {
  latency: ["p", "avg", "med", "min", "max", "stdev", "count"],
  service_time: ["p", "avg", "med", "min", "max", "stdev", "count"],
  errors: ["rate", "count"],
  throughput: ["throughput", "rate"],
  dropped: ["dropped", "count", "rate"],
  operations: ["ok", "count"],
};

const EXPR =
  /^(?:p\(\s*(\d+(?:\.\d+)?)\s*\)|(avg|med|min|max|stdev|count|rate|throughput|dropped|ok))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

/** The metric an unprefixed expression applies to, from its aggregation. */
function inferMetric(aggregation: string): MetricName {
  if (aggregation === "rate") return "errors";
  if (aggregation === "throughput") return "throughput";
  if (aggregation === "dropped") return "dropped";
  if (aggregation === "ok") return "operations";
  return "latency";
}

/**
 * Parses one expression for a metric (or, without one, infers it: p(..), avg,
 * med, min, max, stdev, count → latency; rate → errors; throughput; dropped).
 * Throws UsageError naming the expression and the fix.
 */
export function parseThreshold(expression: string, metric?: string): Threshold {
  const text = expression.trim();
  const m = EXPR.exec(text);
  if (!m) {
    throw new UsageError(
      `threshold '${expression}' is malformed; write it like p(95)<25, avg<10, rate<0.001 or throughput>500`,
    );
  }
  const aggregation = m[1] !== undefined ? "p" : m[2];
  const name = (metric ?? inferMetric(aggregation)) as MetricName;
  if (!(METRICS as readonly string[]).includes(name)) {
    throw new UsageError(
      `threshold metric '${metric}' is unknown; use one of ${METRICS.join(", ")}`,
    );
  }
  if (!ALLOWED[name].includes(aggregation)) {
    const list = ALLOWED[name].map((a) => (a === "p" ? "p(N)" : a)).join(", ");
    throw new UsageError(
      `threshold '${name}: ${text}' does not apply to ${name}; ${name} takes ${list}`,
    );
  }
  let percentile: number | undefined;
  if (aggregation === "p") {
    percentile = Number(m[1]);
    if (!(percentile > 0 && percentile <= 100)) {
      throw new UsageError(
        `threshold '${expression}' asks for percentile ${m[1]}; use p(N) with 0 < N <= 100`,
      );
    }
  }
  return {
    metric: name,
    aggregation,
    percentile,
    op: m[3] as Op,
    value: Number(m[4]),
    expression: text.replace(/\s+/g, ""),
  };
}

/**
 * Parses a command-line threshold: `[SCENARIO/][METRIC:]EXPRESSION`, e.g.
 * `p(95)<40`, `service_time:p(99)<20`, `leaderboards/latency:p(95)<40`.
 */
export function parseThresholdFlag(text: string): { scenario?: string; threshold: Threshold } {
  const m = /^(?:([A-Za-z0-9_.-]+)\/)?(?:([a-z_]+)\s*:)?(.*)$/.exec(text.trim());
  const scenario = m?.[1];
  const metric = m?.[2];
  return { scenario, threshold: parseThreshold(m?.[3] ?? text, metric) };
}

/** Parses every expression of a config; `where` names the source in messages. */
export function parseConfig(config: unknown, where: string): Threshold[] {
  if (config === undefined) return [];
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new UsageError(
      `${where} must be an object of metric: [expressions], like { "latency": ["p(95)<25"] }`,
    );
  }
  const out: Threshold[] = [];
  for (const [metric, list] of Object.entries(config)) {
    if (metric.startsWith("$")) continue;
    if (!Array.isArray(list) || list.some((e) => typeof e !== "string")) {
      throw new UsageError(`${where}.${metric} must be a list of expressions, like ["p(95)<25"]`);
    }
    for (const e of list as string[]) {
      try {
        out.push(parseThreshold(e, metric));
      } catch (err) {
        throw new UsageError(`${where}: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

/** Same metric and aggregation (and percentile): a later layer replaces an earlier one. */
function key(t: Threshold): string {
  return `${t.metric}:${t.aggregation}:${t.percentile ?? ""}:${t.op.startsWith("<") ? "<" : t.op.startsWith(">") ? ">" : t.op}`;
}

/** Layers threshold lists: each later list replaces expressions with the same key, adds the rest. */
export function layerThresholds(...layers: Threshold[][]): Threshold[] {
  const map = new Map<string, Threshold>();
  for (const layer of layers) for (const t of layer) map.set(key(t), t);
  return [...map.values()];
}

/** What thresholds are evaluated against: one scenario's merged measurements. */
export interface MetricValues {
  latency: Histogram;
  serviceTime: Histogram;
  ok: number;
  errors: number;
  dropped: number;
  /** successful operations per second */
  throughput: number;
}

export function actualValue(t: Threshold, v: MetricValues): number {
  switch (t.metric) {
    case "latency":
    case "service_time": {
      const h = t.metric === "latency" ? v.latency : v.serviceTime;
      const ms = (us: number) => (h.totalCount === 0 ? 0 : Math.round(us) / 1000);
      switch (t.aggregation) {
        case "p":
          return percentileMs(h, t.percentile!);
        case "avg":
          return ms(h.mean);
        case "med":
          return percentileMs(h, 50);
        case "min":
          return ms(h.minNonZeroValue);
        case "max":
          return ms(h.maxValue);
        case "stdev":
          return ms(h.stdDeviation);
        default:
          return h.totalCount;
      }
    }
    case "errors": {
      const total = v.ok + v.errors;
      if (t.aggregation === "count") return v.errors;
      return total === 0 ? 0 : v.errors / total;
    }
    case "throughput":
      return v.throughput;
    case "dropped": {
      if (t.aggregation === "rate") {
        const scheduled = v.ok + v.errors + v.dropped;
        return scheduled === 0 ? 0 : v.dropped / scheduled;
      }
      return v.dropped;
    }
    case "operations":
      return t.aggregation === "ok" ? v.ok : v.ok + v.errors;
  }
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
}

/**
 * Evaluates thresholds. A run in which no operation succeeded never passes:
 * the implicit `operations: ok>0` is always evaluated first (k6 issue 4283:
 * thresholds that pass although the script threw).
 */
export function evaluateThresholds(thresholds: Threshold[], v: MetricValues): ThresholdOutcome[] {
  const implicit = parseThreshold("ok>0", "operations");
  const list = [
    implicit,
    ...thresholds.filter((t) => !(t.metric === "operations" && t.expression === "ok>0")),
  ];
  return list.map((t) => {
    const actual = actualValue(t, v);
    // a latency or throughput threshold on a run with no successful operation cannot hold
    const vacuous =
      v.ok === 0 &&
      (t.metric === "latency" || t.metric === "service_time" || t.metric === "throughput");
    return {
      expression: t.expression,
      metric: t.metric,
      actual,
      ok: !vacuous && compare(actual, t.op, t.value),
    };
  });
}

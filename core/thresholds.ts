import { UsageError } from "./errors.ts";
import { createHistogram, type Histogram, percentileMs } from "./histogram.ts";
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
 * count (so do wait: latency minus service time; freshness: PostgreSQL
 * commit to the DynamoDB item showing it, end to end; sync_lag: the
 * projector's per-change lag); errors take rate
 * (errors / operations) and count; throughput takes
 * throughput or rate (successful operations per second); dropped takes
 * dropped or count, and rate (dropped / scheduled); operations takes ok and
 * count. Operators: < <= > >= == !=.
 */
export const METRICS = [
  "latency",
  "service_time",
  "wait",
  "freshness",
  "sync_lag",
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
  /** k6's abortOnFail: stop the run as soon as this threshold fails (evaluated every second) */
  abortOnFail?: boolean;
  /** k6's delayAbortEval: no abort before this much of the measured window has passed, ms */
  delayAbortEvalMs?: number;
}

const ALLOWED: Record<MetricName, string[]> = {
  latency: ["p", "avg", "med", "min", "max", "stdev", "count"],
  service_time: ["p", "avg", "med", "min", "max", "stdev", "count"],
  wait: ["p", "avg", "med", "min", "max", "stdev", "count"],
  freshness: ["p", "avg", "med", "min", "max", "stdev", "count"],
  sync_lag: ["p", "avg", "med", "min", "max", "stdev", "count"],
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
 * Parses a command-line threshold: `[SCENARIO/][METRIC:]EXPRESSION[,abortOnFail[,delayAbortEval=DURATION]]`,
 * e.g. `p(95)<40`, `service_time:p(99)<20`, `leaderboards/latency:p(95)<40`,
 * `latency:p(99)<50,abortOnFail,delayAbortEval=10s`.
 */
export function parseThresholdFlag(text: string): { scenario?: string; threshold: Threshold } {
  const [head, ...options] = text.split(",").map((p) => p.trim());
  const m = /^(?:([A-Za-z0-9_.-]+)\/)?(?:([a-z_]+)\s*:)?(.*)$/.exec(head);
  const scenario = m?.[1];
  const metric = m?.[2];
  const threshold = parseThreshold(m?.[3] ?? head, metric);
  for (const o of options) {
    const d = /^delayAbortEval=(.+)$/.exec(o);
    if (o === "abortOnFail") threshold.abortOnFail = true;
    else if (d) threshold.delayAbortEvalMs = parseAbortDelay(d[1], text);
    else
      throw new UsageError(
        `--threshold '${text}': '${o}' is not an option; write options after the expression like 'latency:p(99)<50,abortOnFail,delayAbortEval=10s'`,
      );
  }
  if (threshold.delayAbortEvalMs !== undefined && !threshold.abortOnFail)
    throw new UsageError(
      `--threshold '${text}': delayAbortEval only applies with abortOnFail; write it like 'latency:p(99)<50,abortOnFail,delayAbortEval=10s'`,
    );
  return { scenario, threshold };
}

/** `10s`, `500ms`, `1m` or a bare number of seconds, for delayAbortEval. */
function parseAbortDelay(text: string, where: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `${where}: delayAbortEval '${text}' is not a duration; write it like delayAbortEval=10s`,
    );
  const unit = m[2] ?? "s";
  return Number(m[1]) * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000);
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
    const entry = (e: unknown) =>
      typeof e === "string" ||
      (e !== null &&
        typeof e === "object" &&
        typeof (e as { threshold?: unknown }).threshold === "string");
    if (!Array.isArray(list) || !list.every(entry)) {
      throw new UsageError(
        `${where}.${metric} must be a list of expressions, like ["p(95)<25"] or [{ "threshold": "p(99)<50", "abortOnFail": true, "delayAbortEval": "10s" }]`,
      );
    }
    for (const e of list as Array<string | ThresholdObject>) {
      try {
        out.push(typeof e === "string" ? parseThreshold(e, metric) : thresholdObject(e, metric));
      } catch (err) {
        throw new UsageError(`${where}: ${(err as Error).message}`);
      }
    }
  }
  return out;
}

/** k6's object form of a threshold in a targets file. */
interface ThresholdObject {
  threshold: string;
  abortOnFail?: unknown;
  delayAbortEval?: unknown;
}

function thresholdObject(o: ThresholdObject, metric: string): Threshold {
  const known = ["threshold", "abortOnFail", "delayAbortEval"];
  const extra = Object.keys(o).find((k) => !known.includes(k));
  if (extra !== undefined)
    throw new UsageError(
      `threshold ${JSON.stringify(o.threshold)}: '${extra}' is not a field; use threshold, abortOnFail, delayAbortEval`,
    );
  const t = parseThreshold(o.threshold, metric);
  if (o.abortOnFail !== undefined && typeof o.abortOnFail !== "boolean")
    throw new UsageError(
      `threshold ${JSON.stringify(o.threshold)}: abortOnFail must be true or false`,
    );
  if (o.abortOnFail === true) t.abortOnFail = true;
  if (o.delayAbortEval !== undefined) {
    if (typeof o.delayAbortEval !== "string" && typeof o.delayAbortEval !== "number")
      throw new UsageError(
        `threshold ${JSON.stringify(o.threshold)}: delayAbortEval must be a duration like "10s"`,
      );
    if (o.abortOnFail !== true)
      throw new UsageError(
        `threshold ${JSON.stringify(o.threshold)}: delayAbortEval only applies with "abortOnFail": true`,
      );
    t.delayAbortEvalMs = parseAbortDelay(
      String(o.delayAbortEval),
      `threshold ${JSON.stringify(o.threshold)}`,
    );
  }
  return t;
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

const EMPTY_HISTOGRAM = createHistogram(3);

/** What thresholds are evaluated against: one scenario's merged measurements. */
export interface MetricValues {
  latency: Histogram;
  serviceTime: Histogram;
  /** absent in version-1 results: a wait threshold then sees no operations */
  wait?: Histogram;
  /** end-to-end freshness and the projector's per-change lag: absent unless the scenario measures them */
  freshness?: Histogram;
  syncLag?: Histogram;
  ok: number;
  errors: number;
  dropped: number;
  /** successful operations per second */
  throughput: number;
}

function histogramOf(metric: MetricName, v: MetricValues): Histogram {
  switch (metric) {
    case "latency":
      return v.latency;
    case "service_time":
      return v.serviceTime;
    case "wait":
      return v.wait ?? EMPTY_HISTOGRAM;
    case "freshness":
      return v.freshness ?? EMPTY_HISTOGRAM;
    default:
      return v.syncLag ?? EMPTY_HISTOGRAM;
  }
}

export function actualValue(t: Threshold, v: MetricValues): number {
  switch (t.metric) {
    case "latency":
    case "service_time":
    case "wait":
    case "freshness":
    case "sync_lag": {
      const h = histogramOf(t.metric, v);
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
    // a latency or throughput threshold on a run with no successful operation cannot hold,
    // nor a freshness threshold on a run that measured no freshness
    const vacuous =
      (v.ok === 0 &&
        (t.metric === "latency" ||
          t.metric === "service_time" ||
          t.metric === "wait" ||
          t.metric === "throughput")) ||
      ((t.metric === "freshness" || t.metric === "sync_lag") &&
        histogramOf(t.metric, v).totalCount === 0);
    const outcome: ThresholdOutcome = {
      expression: t.expression,
      metric: t.metric,
      actual,
      ok: !vacuous && compare(actual, t.op, t.value),
    };
    if (t.abortOnFail) outcome.abortOnFail = true;
    return outcome;
  });
}

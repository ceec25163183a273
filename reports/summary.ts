import type { LatencySummary, RunResult, ScenarioResult, TimeSeriesPoint } from "../core/result.ts";
import { describeModel } from "../engine/models/index.ts";

/**
 * The k6-like end-of-run summary: per scenario, the load, operations,
 * throughput, latency and service-time percentiles, errors by class,
 * dropped iterations, store figures and each threshold with ✓ or ✗ and its
 * actual value. Plain text, no colour (it is also written to CI logs).
 */
export function formatSummary(run: RunResult): string {
  const lines: string[] = [];
  for (const s of run.scenarios) lines.push(...scenarioLines(s), "");
  const failed = run.scenarios.filter((s) => !s.passed).map((s) => s.name);
  lines.push(
    failed.length === 0
      ? `✓ all thresholds passed (${run.scenarios.length} scenario${run.scenarios.length === 1 ? "" : "s"})`
      : `✗ thresholds failed in: ${failed.join(", ")}`,
  );
  const changed = run.data.changedSinceLoad;
  if (changed)
    lines.push(
      `! the data had changed since the load (${changed.by}, ${changed.at}): figures are not those of the loaded ${run.data.scale} data; 'bellyfed-bench load --reload' restores it`,
    );
  if (run.data.written)
    lines.push(
      "! this run wrote: 'bellyfed-bench check' verifies the invariants, 'bellyfed-bench load --reload' restores the loaded data",
    );
  return lines.join("\n");
}

/** Transactions run again after a conflict, beside the errors (only when there were transactions that could retry). */
function retryLines(s: ScenarioResult): string[] {
  const r = s.pool?.retries;
  if (!r) return [];
  const total = r.serialization + r.deadlock + r.uniqueViolation;
  return [
    row(
      "retries",
      `${count(total)} (serialization ${count(r.serialization)}, deadlock ${count(r.deadlock)}, unique violation ${count(r.uniqueViolation)})`,
    ),
  ];
}

function scenarioLines(s: ScenarioResult): string[] {
  const e = s.operations.errors;
  const errorTotal = Object.values(e).reduce((a, b) => a + b, 0);
  const byClass = Object.entries(e)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  const warm = s.warmup ? `, ${count(s.warmup.ok + s.warmup.errors)} ops` : "";
  const out = [
    `█ ${s.name}${s.description ? ` — ${s.description}` : ""}`,
    `  ${describeModel(s.model)} · ${secs(s.durationMs)} measured (+${secs(s.warmupMs)} warm-up${warm}) · ${s.generators} generator${s.generators === 1 ? "" : "s"}`,
  ];
  if (s.aborted) out.push(`  ✗ aborted after ${s.aborted.atS}s: ${s.aborted.reason}`);
  const interrupted = s.operations.interrupted ?? 0;
  out.push(
    "",
    row(
      "operations",
      `${count(s.operations.ok)} ok, ${count(errorTotal)} errors${byClass ? ` (${byClass})` : ""}, ${count(s.operations.dropped)} dropped${interrupted > 0 ? `, ${count(interrupted)} interrupted (completed after the window)` : ""}`,
    ),
    row("throughput", `${num(s.throughput)}/s`),
    row("error rate", pct(s.errorRate)),
    ...retryLines(s),
    row("latency", lat(s.latency)),
    row("service_time", lat(s.serviceTime)),
  );
  if (s.wait) out.push(row("wait", lat(s.wait)));
  if (s.freshness) {
    const f = s.freshness;
    out.push(
      row("freshness", lat(f.endToEnd)),
      row("sync_lag", lat(f.perChange)),
      row(
        "slot lag",
        `max ${count(f.slotLagBytes.max)} bytes, last ${count(f.slotLagBytes.last)} bytes (${f.slotLagBytes.samples} samples, one a second)`,
      ),
    );
  }
  out.push(...clientLines(s.timeSeries, s.durationMs));
  if (s.capacity) {
    // a Query on an index charges the index only; the table's zero entry says nothing
    const parts = Object.entries(s.capacity.byResource)
      .filter(([, v]) => v.readUnits > 0 || v.writeUnits > 0)
      .map(([k, v]) => `${k} ${num(v.readUnits)}R/${num(v.writeUnits)}W`);
    out.push(
      row(
        "capacity",
        `${num(s.capacity.readUnits)} RCU, ${num(s.capacity.writeUnits)} WCU${parts.length ? ` (${parts.join("; ")})` : ""}`,
      ),
    );
  }
  if (s.pool)
    out.push(row("pg pool", `${s.pool.size} connections, max waiting ${s.pool.maxWaiting}`));
  for (const m of s.operations.sampleErrors.slice(0, 3)) out.push(row("error", m));
  out.push("", "  thresholds");
  const width = Math.max(0, ...s.thresholds.map((t) => t.expression.length));
  for (const t of s.thresholds) {
    out.push(
      `    ${t.ok ? "✓" : "✗"} ${t.metric.padEnd(12)} ${t.expression.padEnd(width)}  actual ${num(t.actual)}`,
    );
  }
  return out;
}

/**
 * The client's own share: its worst event-loop delay and total GC time, and
 * the slowest seconds (by p99) with what the client did in each, so a second
 * the load generator made slow is told apart from one the database did.
 */
function clientLines(series: TimeSeriesPoint[], durationMs: number): string[] {
  const full = series.filter((p) => p.t < Math.max(1, Math.ceil(durationMs / 1000)));
  const withClient = full.filter((p) => p.client);
  if (withClient.length === 0) return [];
  const loopMax = Math.max(...withClient.map((p) => p.client!.loopDelayMaxMs));
  const gc = withClient.reduce((a, p) => a + p.client!.gcMs, 0);
  const slow = [...full]
    .filter((p) => p.ops + p.errors > 0)
    .sort((a, b) => b.p99 - a.p99)
    .slice(0, 3)
    .map(
      (p) =>
        `t=${p.t}s p99 ${ms(p.p99)}${p.client ? ` (loop delay max ${ms(p.client.loopDelayMaxMs)}, GC ${ms(p.client.gcMs)})` : ""}`,
    );
  const lines = [row("client", `event-loop delay max ${ms(loopMax)}, GC ${ms(gc)} in total`)];
  if (slow.length > 0) lines.push(row("slow seconds", slow.join(" · ")));
  return lines;
}

function row(label: string, value: string): string {
  return `  ${`${label}`.padEnd(14, ".")}: ${value}`;
}

function lat(l: LatencySummary): string {
  if (l.count === 0) return "no operations";
  return `p50=${ms(l.p50)} p90=${ms(l.p90)} p95=${ms(l.p95)} p99=${ms(l.p99)} p99.9=${ms(l.p999)} max=${ms(l.max)} avg=${ms(l.mean)} stdev=${ms(l.stdev)}`;
}

const ms = (v: number) =>
  v >= 100 ? `${v.toFixed(0)}ms` : v >= 10 ? `${v.toFixed(1)}ms` : `${v.toFixed(2)}ms`;
const secs = (v: number) => `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}s`;
const count = (v: number) => v.toLocaleString("en-US");
const pct = (v: number) => `${(v * 100).toFixed(v === 0 ? 0 : 3)}%`;
function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

import pg from "pg";
import { UsageError } from "../core/errors.ts";
import { errorTotal, sumCapacity } from "../core/figures.ts";
import type { CapacityUsage, LoadModel, ScenarioResult } from "../core/result.ts";
import { loadScenario } from "../engine/load-scenario.ts";
import { defaultMaxInFlight } from "../engine/models/model.ts";
import { loadRegistry } from "../engine/registry.ts";
import { runStep, type StepOptions } from "../engine/run-step.ts";
import { pgClientConfig } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";
import {
  diffStatements,
  normalizeQuery,
  type StatementDelta,
  snapshotStatements,
  statementsAvailable,
} from "../tuning/stats.ts";
import { type CostNotes, resetCostNotes } from "./cost-stores.ts";
import { findLocalServer, type LocalServer, serverCpuMs } from "./proc-cpu.ts";
import type { DynamoCost, OperationCost, PgCost, PgStatementCost } from "./types.ts";

/**
 * Cost per operation: one scenario through the engine's runStep at a fixed
 * arrival rate (open model), a warm-up step first, then a measured step
 * around which the servers' own counters are read:
 *
 * - PostgreSQL: pg_stat_statements, diffed (not reset) between the end of the
 *   measured step's setup (runStep's `ready`) and its end, in the harness's
 *   database and role, only the statements the operations ran (their texts,
 *   noted by the store wrapper capacity/cost-stores.ts): execution time,
 *   shared blocks hit and read, rows and WAL bytes per operation and per
 *   statement; the statements and transactions the operations sent, as the
 *   wrapper counted them (pg_stat_statements counts a prepared BEGIN or
 *   COMMIT only on its first run on a connection, so it misses most, and the
 *   commit records' WAL with them); the WAL the whole server wrote over the
 *   step (pg_current_wal_lsn), commit records and background work included;
 * - server CPU: user + system time of the postmaster and its children from
 *   /proc over the same span when the server is on this machine ("proc");
 *   otherwise the statements' execution time stands for it ("derived": it
 *   counts waits, and leaves out the protocol, commits and background work);
 * - DynamoDB: the ConsumedCapacity the engine collected (per table and GSI,
 *   setup's calls subtracted) next to the units the item-size rules give for
 *   the same calls (stores/dynamo-units.ts); dynalite reports no GSI units, so
 *   those are computed only.
 *
 * One load-generator thread (the wrapper keeps its notes per thread): measure
 * at a rate one thread sustains, below the knee.
 */

export interface CostOptions {
  /** a registered scenario's name (scenarios/index.ts, or BELLYFED_REGISTRY) */
  scenario: string;
  /** arrival rate, operations per second (open model) */
  rate: number;
  /** the measured step, s */
  durationS: number;
  /** a step run before it, not measured (default 2 s; 0: none) */
  warmupS?: number;
  signal?: AbortSignal;
  endpoints: Endpoints;
  data?: { scale: string; seed: number };
  /** connections to each store (default 4) */
  connections?: number;
  /** an operation's timeout, ms (default 5,000) */
  timeoutMs?: number;
  /** the scenario's module URL, instead of the registry's entry (own or synthetic scenarios) */
  url?: string;
  onProgress?: (line: string) => void;
}

function check(opts: CostOptions): void {
  const pos = (v: number | undefined, what: string, zero = false) => {
    if (v !== undefined && !(Number.isFinite(v) && (zero ? v >= 0 : v > 0)))
      throw new UsageError(
        `measureCost: ${what} must be a ${zero ? "non-negative" : "positive"} number, got ${v}`,
      );
  };
  pos(opts.rate, "rate");
  pos(opts.durationS, "durationS");
  pos(opts.warmupS, "warmupS", true);
  pos(opts.connections, "connections");
  pos(opts.timeoutMs, "timeoutMs");
}

async function scenarioUrl(opts: CostOptions): Promise<string> {
  if (opts.url) return opts.url;
  const registry = await loadRegistry();
  const entry = registry.get(opts.scenario);
  if (!entry)
    throw new UsageError(
      `unknown scenario '${opts.scenario}'; known: ${[...registry.keys()].join(", ")} (npx bellyfed-bench run --help)`,
    );
  return entry.url;
}

/** The operations' rows of a pg_stat_statements diff: the texts the wrapper noted. */
function operationStatements(deltas: StatementDelta[], notes: CostNotes): StatementDelta[] {
  const texts = new Set([...notes.pgTexts].map(normalizeQuery));
  return deltas.filter((d) => texts.has(normalizeQuery(d.query)));
}

function pgCost(
  rows: StatementDelta[],
  notes: CostNotes,
  ops: number,
  cpuMs: number | null,
  serverWal: number | null,
): PgCost {
  const sum = (f: (d: StatementDelta) => number) => rows.reduce((a, d) => a + f(d), 0) / ops;
  const execMsPerOp = sum((d) => d.totalMs);
  const statements: PgStatementCost[] = rows.map((d) => ({
    query: d.query,
    callsPerOp: d.calls / ops,
    execMs: d.totalMs / d.calls,
    sharedBlksHit: d.sharedHit / d.calls,
    sharedBlksRead: d.sharedRead / d.calls,
    rows: d.rows / d.calls,
    walBytes: d.walBytes / d.calls,
  }));
  const cost: PgCost = {
    statementsPerOp: notes.pgStatements / ops,
    transactionsPerOp: notes.pgTransactions / ops,
    execMsPerOp,
    sharedBlksHitPerOp: sum((d) => d.sharedHit),
    sharedBlksReadPerOp: sum((d) => d.sharedRead),
    rowsPerOp: sum((d) => d.rows),
    walBytesPerOp: sum((d) => d.walBytes),
    cpuMsPerOp: cpuMs === null ? execMsPerOp : cpuMs / ops,
    cpuSource: cpuMs === null ? "derived" : "proc",
    statements,
  };
  if (serverWal !== null) cost.serverWalBytesPerOp = serverWal / ops;
  return cost;
}

/** The server's WAL position (any role may read it); null where it cannot be read. */
async function walLsn(q: pg.Client): Promise<string | null> {
  return q
    .query("SELECT pg_current_wal_lsn()::text AS lsn")
    .then((r) => String(r.rows[0].lsn))
    .catch(() => null);
}

async function walBetween(q: pg.Client, from: string | null): Promise<number | null> {
  const to = await walLsn(q);
  if (from === null || to === null) return null;
  const r = await q.query("SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn) AS d", [to, from]);
  return Number(r.rows[0].d);
}

function minus(a: CapacityUsage | undefined, b: CapacityUsage | undefined) {
  const out = new Map<string, { rcu: number; wcu: number }>();
  for (const [k, v] of Object.entries(a?.byResource ?? {})) {
    const base = b?.byResource[k];
    out.set(k, {
      rcu: v.readUnits - (base?.readUnits ?? 0),
      wcu: v.writeUnits - (base?.writeUnits ?? 0),
    });
  }
  return out;
}

function dynamoCosts(
  result: ScenarioResult,
  baseline: CapacityUsage | undefined,
  notes: CostNotes,
  ops: number,
  endpoints: Endpoints,
): DynamoCost[] {
  const measured = minus(result.capacity, baseline);
  const prefix = endpoints.dynamo.tablePrefix;
  const noIndexUnits = endpoints.dynamo.source === "dynalite";
  const keys = [...new Set([...measured.keys(), ...notes.computed.keys()])].sort();
  const out: DynamoCost[] = [];
  for (const k of keys) {
    const m = measured.get(k);
    const c = notes.computed.get(k) ?? { rcu: 0, wcu: 0 };
    if ((m === undefined || (m.rcu === 0 && m.wcu === 0)) && c.rcu === 0 && c.wcu === 0) continue;
    const [full, index] = k.split("/");
    const cost: DynamoCost = {
      table: full.startsWith(prefix) ? full.slice(prefix.length) : full,
      measured:
        index !== undefined && noIndexUnits
          ? null
          : { rcu: (m?.rcu ?? 0) / ops, wcu: (m?.wcu ?? 0) / ops },
      computed: { rcu: c.rcu / ops, wcu: c.wcu / ops },
    };
    if (index !== undefined) cost.index = index;
    const key = notes.keys.get(k);
    if (index !== undefined && typeof key === "string") cost.constantKey = key;
    out.push(cost);
  }
  return out;
}

/** Runs the scenario at `rate` for `durationS` (after a warm-up) and returns its cost per operation. */
export async function measureCost(opts: CostOptions): Promise<OperationCost> {
  check(opts);
  const url = await scenarioUrl(opts);
  const say = opts.onProgress ?? (() => {});
  const warmupS = opts.warmupS ?? 2;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const model: LoadModel = {
    type: "open",
    rate: opts.rate,
    maxInFlight: defaultMaxInFlight(opts.rate, timeoutMs),
  };
  const step: StepOptions = {
    workers: 1,
    connections: opts.connections ?? 4,
    data: opts.data ?? { scale: "tiny", seed: 1 },
    endpoints: opts.endpoints,
    stores: new URL("./cost-stores.ts", import.meta.url).href,
    signal: opts.signal,
  };
  const bounds = (s: number) => ({
    warmupMs: 0,
    durationMs: s * 1000,
    iterations: Number.POSITIVE_INFINITY,
    timeoutMs,
  });

  // PostgreSQL's counters are read on a connection of their own, for scenarios that use it
  const usesPg = (await loadScenario(url)).stores.includes("postgres");
  const admin = usesPg ? new pg.Client(pgClientConfig(opts.endpoints.pg)) : null;
  await admin?.connect();
  try {
    const notesOut: string[] = [];
    const pss = admin ? await statementsAvailable(admin) : { ok: false };
    if (admin && !pss.ok) notesOut.push(pss.why!);
    const local = admin ? await findLocalServer(admin, opts.endpoints.pg) : null;
    const server: LocalServer | null = local?.ok ? local.server : null;
    if (local && !local.ok) notesOut.push(`server CPU derived from execution time: ${local.why}`);

    if (warmupS > 0) {
      say(`cost ${opts.scenario}: warm-up ${warmupS} s at ${opts.rate}/s`);
      resetCostNotes();
      await runStep({ url }, model, bounds(warmupS), step);
    }
    const notes = resetCostNotes();
    let before: Awaited<ReturnType<typeof snapshotStatements>> | null = null;
    let baseline: CapacityUsage | undefined;
    let cpu0 = 0;
    let lsn0: string | null = null;
    say(`cost ${opts.scenario}: ${opts.durationS} s at ${opts.rate}/s`);
    const result = await runStep({ url }, model, bounds(opts.durationS), {
      ...step,
      ready: async () => {
        if (admin) {
          if (pss.ok) before = await snapshotStatements(admin);
          lsn0 = await walLsn(admin);
        }
        baseline = sumCapacity(notes.dynamoStores.map((s) => structuredClone(s.capacity())));
        if (server) cpu0 = serverCpuMs(server);
        notes.recording = true;
      },
    });
    notes.recording = false;
    const cpuMs = server ? serverCpuMs(server) - cpu0 : null;
    const serverWal = admin ? await walBetween(admin, lsn0) : null;
    const after = admin && pss.ok ? await snapshotStatements(admin) : null;

    const ops = result.operations.ok + errorTotal(result.operations.errors);
    if (ops === 0)
      throw new Error(
        `measureCost: no operation of ${opts.scenario} completed in ${opts.durationS} s${result.aborted ? ` (${result.aborted.reason})` : ""}`,
      );
    const cost: OperationCost = {
      atRate: opts.rate,
      operations: ops,
      durationS: opts.durationS,
      warmupS,
      throughput: result.throughput,
    };
    if (result.stores.includes("postgres") && before && after) {
      const rows = operationStatements(diffStatements(before, after), notes);
      cost.postgres = pgCost(rows, notes, ops, cpuMs, serverWal);
    }
    if (result.stores.includes("dynamodb"))
      cost.dynamo = dynamoCosts(result, baseline, notes, ops, opts.endpoints);
    if (notes.extraCalls > 0)
      notesOut.push(
        `DynamoDB units computed from item sizes with ${notes.extraCalls} uncounted reads (whole items of projected or filtered Queries, items before and after writes)`,
      );
    const errors = errorTotal(result.operations.errors);
    if (errors > 0)
      notesOut.push(
        `${errors} of ${ops} operations failed (${result.operations.sampleErrors[0] ?? "?"})`,
      );
    if (notesOut.length > 0) cost.notes = notesOut;
    return cost;
  } finally {
    await admin?.end().catch(() => {});
  }
}

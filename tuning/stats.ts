import type { Queryable } from "../stores/markers.ts";

/**
 * Snapshots of pg_stat_statements and pg_stat_user_indexes, diffed around a
 * sample or a benchmark run. Diffing (not pg_stat_statements_reset(), which
 * only a superuser may call by default) keeps this working for Aurora's
 * master user and leaves the server's statistics alone.
 */

export interface StatementStats {
  queryid: string;
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
  sharedHit: number;
  sharedRead: number;
  /** WAL the statement generated, bytes (pg_stat_statements 1.8+, PostgreSQL 13+; 0 before) */
  walBytes: number;
}

export interface StatementDelta extends StatementStats {
  meanMs: number;
}

/** Whether pg_stat_statements can be read here; when not, why (one line). */
export async function statementsAvailable(q: Queryable): Promise<{ ok: boolean; why?: string }> {
  const ext = await q.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'");
  if (ext.rows.length === 0) {
    try {
      await q.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    } catch (e) {
      // a role that is not a superuser (or rds_superuser) cannot create it: name the statement to ask for
      const who = await q
        .query("SELECT current_database() AS db, current_user AS role")
        .then((r) => r.rows[0] as { db: string; role: string })
        .catch(() => ({ db: "this database", role: "this role" }));
      return {
        ok: false,
        why: `pg_stat_statements is not installed in database ${who.db} and role ${who.role} may not create it (${(e as Error).message}); statement figures are skipped; ask the administrator to run, connected to ${who.db}: CREATE EXTENSION pg_stat_statements;`,
      };
    }
  }
  try {
    await q.query("SELECT 1 FROM pg_stat_statements LIMIT 1");
    return { ok: true };
  } catch (e) {
    return {
      ok: false,
      why: `pg_stat_statements cannot be read (${(e as Error).message}); add it to shared_preload_libraries (Aurora: the cluster parameter group) — statement figures are skipped`,
    };
  }
}

export async function snapshotStatements(q: Queryable): Promise<Map<string, StatementStats>> {
  const res = await q.query(
    `SELECT s.queryid::text AS queryid, s.query, s.calls, s.total_exec_time AS total,
            s.rows, s.shared_blks_hit AS hit, s.shared_blks_read AS read,
            to_jsonb(s) -> 'wal_bytes' AS wal
       FROM pg_stat_statements s
      WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND s.userid = (SELECT oid FROM pg_roles WHERE rolname = current_user)`,
  );
  const out = new Map<string, StatementStats>();
  for (const r of res.rows) {
    const key = `${r.queryid}|${r.query}`;
    const cur = out.get(key);
    const s: StatementStats = {
      queryid: r.queryid,
      query: r.query,
      calls: Number(r.calls),
      totalMs: Number(r.total),
      rows: Number(r.rows),
      sharedHit: Number(r.hit),
      sharedRead: Number(r.read),
      walBytes: Number(r.wal ?? 0),
    };
    // toplevel and nested entries of one query: add them up
    if (cur) {
      cur.calls += s.calls;
      cur.totalMs += s.totalMs;
      cur.rows += s.rows;
      cur.sharedHit += s.sharedHit;
      cur.sharedRead += s.sharedRead;
      cur.walBytes += s.walBytes;
    } else out.set(key, s);
  }
  return out;
}

export function diffStatements(
  before: Map<string, StatementStats>,
  after: Map<string, StatementStats>,
): StatementDelta[] {
  const out: StatementDelta[] = [];
  for (const [k, a] of after) {
    const b = before.get(k);
    const calls = a.calls - (b?.calls ?? 0);
    if (calls <= 0) continue;
    const totalMs = a.totalMs - (b?.totalMs ?? 0);
    out.push({
      queryid: a.queryid,
      query: a.query,
      calls,
      totalMs,
      meanMs: totalMs / calls,
      rows: a.rows - (b?.rows ?? 0),
      sharedHit: a.sharedHit - (b?.sharedHit ?? 0),
      sharedRead: a.sharedRead - (b?.sharedRead ?? 0),
      walBytes: a.walBytes - (b?.walBytes ?? 0),
    });
  }
  return out.sort((x, y) => y.totalMs - x.totalMs);
}

/**
 * pg_stat_statements keeps a prepared statement's text but replaces its
 * constants with $n: compare with parameters and constants both blanked.
 */
export function normalizeQuery(s: string): string {
  return s
    .replace(/'(?:[^']|'')*'/g, "?")
    .replace(/\$\d+/g, "?")
    .replace(/\b(?:true|false|null)\b/gi, "?")
    .replace(/(?<![\w$.])\d+(?:\.\d+)?(?![\w])/g, "?")
    .replace(/\s+/g, " ")
    .trim();
}

const norm = normalizeQuery;

/** The delta row of a statement's text, constants and parameters aside. */
export function matchStatement(deltas: StatementDelta[], text: string): StatementDelta | undefined {
  const t = norm(text);
  return deltas.find((d) => norm(d.query) === t);
}

/** Calls and shared blocks (hit in shared_buffers, read from the OS or disk) of the named statements. */
export interface BlockFigures {
  calls: number;
  hit: number;
  read: number;
}

/** Sums the deltas of the statements whose texts are given; null when none ran. */
export function blockFigures(deltas: StatementDelta[], texts: string[]): BlockFigures | null {
  let found = false;
  const out: BlockFigures = { calls: 0, hit: 0, read: 0 };
  for (const t of texts) {
    const d = matchStatement(deltas, t);
    if (!d) continue;
    found = true;
    out.calls += d.calls;
    out.hit += d.sharedHit;
    out.read += d.sharedRead;
  }
  return found ? out : null;
}

export interface IndexUsage {
  table: string;
  index: string;
  idxScan: number;
  idxTupRead: number;
  idxTupFetch: number;
}

export async function snapshotIndexUsage(q: Queryable): Promise<Map<string, IndexUsage>> {
  const res = await q.query(
    `SELECT relname, indexrelname, idx_scan, idx_tup_read, idx_tup_fetch
       FROM pg_stat_user_indexes WHERE schemaname = current_schema()`,
  );
  return new Map(
    res.rows.map((r) => [
      r.indexrelname as string,
      {
        table: r.relname,
        index: r.indexrelname,
        idxScan: Number(r.idx_scan),
        idxTupRead: Number(r.idx_tup_read),
        idxTupFetch: Number(r.idx_tup_fetch),
      },
    ]),
  );
}

export function diffIndexUsage(
  before: Map<string, IndexUsage>,
  after: Map<string, IndexUsage>,
): IndexUsage[] {
  return [...after.values()]
    .map((a) => {
      const b = before.get(a.index);
      return {
        ...a,
        idxScan: a.idxScan - (b?.idxScan ?? 0),
        idxTupRead: a.idxTupRead - (b?.idxTupRead ?? 0),
        idxTupFetch: a.idxTupFetch - (b?.idxTupFetch ?? 0),
      };
    })
    .sort((x, y) => x.table.localeCompare(y.table) || x.index.localeCompare(y.index));
}

/**
 * Cumulative statistics reach the views when a backend flushes them (at the
 * end of a transaction, at most once a second, PostgreSQL 15+); wait that long
 * before the "after" snapshot.
 */
export async function settleStats(q: Queryable): Promise<void> {
  await new Promise((r) => setTimeout(r, 1100));
  await q.query("SELECT pg_stat_clear_snapshot()");
}

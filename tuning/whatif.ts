import type pg from "pg";
import type { Statement } from "../stores/postgres.ts";
import { type Candidate, candidateSql } from "./candidates.ts";
import { ident } from "./catalog.ts";
import { explainStatement } from "./explain.ts";
import type { PlanNode } from "./plan.ts";

/**
 * What-if: would the planner use a candidate index, and how much cheaper
 * would the plan be? With hypopg (a hypothetical index: nothing is built,
 * only this session's planner sees it) where the extension can be had;
 * otherwise the index is built for real (CREATE INDEX CONCURRENTLY, never
 * blocking writes), measured, and dropped.
 */

export type WhatIfMode = "hypopg" | "real";

export interface WhatIfProbe {
  pattern: string;
  statement: Statement;
  params: unknown[];
}

export interface WhatIfOutcome {
  pattern: string;
  statement: string;
  costBefore: number;
  /** the plan's cost with the proposal's drops applied but without the candidate */
  costDropsOnly: number;
  costAfter: number;
  usesIndex: boolean;
  /** EXPLAIN ANALYZE execution time (real mode only) */
  msBefore?: number;
  msAfter?: number;
}

export interface WhatIfResult {
  candidate: Candidate;
  mode: WhatIfMode;
  /** estimated (hypopg) or built (real) size */
  sizeBytes: number;
  outcomes: WhatIfOutcome[];
  /** set when the candidate could not be evaluated */
  error?: string;
}

/** Whether hypopg can be used here: installed, or installable by this user. */
export async function hypopgAvailable(client: pg.Client): Promise<{ ok: boolean; why: string }> {
  const avail = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'");
  if (avail.rows.length === 0)
    return {
      ok: false,
      why: "hypopg is not available on this server; candidates are built for real (CREATE INDEX CONCURRENTLY, dropped after)",
    };
  try {
    await client.query("CREATE EXTENSION IF NOT EXISTS hypopg");
    return { ok: true, why: "hypopg" };
  } catch (e) {
    return {
      ok: false,
      why: `hypopg is available but could not be created (${(e as Error).message}); candidates are built for real`,
    };
  }
}

function usesIndex(n: PlanNode, name: (s: string) => boolean): boolean {
  if (n["Index Name"] && name(n["Index Name"])) return true;
  return (n.Plans ?? []).some((k) => usesIndex(k, name));
}

async function plain(client: pg.Client, p: WhatIfProbe, prelude: string[] = []) {
  return explainStatement(client, p.statement, p.params, { analyze: false, prelude });
}

export async function evaluateCandidate(
  client: pg.Client,
  candidate: Candidate,
  probes: WhatIfProbe[],
  mode: WhatIfMode,
  /**
   * indexes the proposal drops: the "after" plans are taken with them dropped
   * (inside a transaction that is rolled back), so the candidate is judged in
   * the index set it would live in
   */
  drops: string[] = [],
): Promise<WhatIfResult> {
  const prelude = drops.map((d) => `DROP INDEX ${ident(d)}`);
  const before = [];
  for (const p of probes) {
    const e = await plain(client, p);
    const d = prelude.length > 0 ? await plain(client, p, prelude) : e;
    const a = mode === "real" ? await explainStatement(client, p.statement, p.params) : undefined;
    before.push({
      cost: e.Plan["Total Cost"] ?? 0,
      dropsOnly: d.Plan["Total Cost"] ?? 0,
      ms: a?.["Execution Time"],
    });
  }
  const sql = candidateSql(candidate);
  const outcomes: WhatIfOutcome[] = [];
  let sizeBytes = 0;
  if (mode === "hypopg") {
    const created = await client.query(
      "SELECT indexrelid, indexname FROM hypopg_create_index($1)",
      [sql],
    );
    const oid = created.rows[0].indexrelid;
    const hypoName: string = created.rows[0].indexname;
    try {
      sizeBytes = Number(
        (await client.query("SELECT hypopg_relation_size($1) AS s", [oid])).rows[0].s,
      );
      for (const [i, p] of probes.entries()) {
        const e = await plain(client, p, prelude);
        outcomes.push({
          pattern: p.pattern,
          statement: p.statement.name,
          costBefore: before[i].cost,
          costDropsOnly: before[i].dropsOnly,
          costAfter: e.Plan["Total Cost"] ?? 0,
          usesIndex: usesIndex(e.Plan, (n) => n === hypoName || n.includes(`<${oid}>`)),
        });
      }
    } finally {
      await client.query("SELECT hypopg_drop_index($1)", [oid]).catch(() => {});
    }
  } else {
    // a name of our own, so an index that exists already is never touched
    const name = `bbwhatif_${candidate.name}`.slice(0, 63);
    const taken = await client.query("SELECT to_regclass($1) IS NOT NULL AS t", [name]);
    if (taken.rows[0].t)
      return {
        candidate,
        mode,
        sizeBytes: 0,
        outcomes: [],
        error: `an index named ${name} exists; drop it or rename it first`,
      };
    const concurrent = candidateSql({ ...candidate, name }).replace(
      /^CREATE INDEX /,
      "CREATE INDEX CONCURRENTLY ",
    );
    try {
      await client.query(concurrent);
    } catch (e) {
      // a failed concurrent build leaves an invalid index behind: ours, by its name
      await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`).catch(() => {});
      return { candidate, mode, sizeBytes: 0, outcomes: [], error: (e as Error).message };
    }
    try {
      sizeBytes = Number(
        (
          await client.query(
            "SELECT coalesce(sum(pg_relation_size(c.oid)), 0) AS s FROM pg_class c WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace",
            [name],
          )
        ).rows[0].s,
      );
      for (const [i, p] of probes.entries()) {
        const e = await plain(client, p, prelude);
        const a = await explainStatement(client, p.statement, p.params, { analyze: true, prelude });
        outcomes.push({
          pattern: p.pattern,
          statement: p.statement.name,
          costBefore: before[i].cost,
          costDropsOnly: before[i].dropsOnly,
          costAfter: e.Plan["Total Cost"] ?? 0,
          usesIndex: usesIndex(e.Plan, (n) => n === name),
          msBefore: before[i].ms,
          msAfter: a["Execution Time"],
        });
      }
    } finally {
      await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    }
  }
  return { candidate, mode, sizeBytes, outcomes };
}

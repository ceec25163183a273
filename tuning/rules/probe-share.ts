import type { Catalog } from "../catalog.ts";
import type { StatementPlans } from "../explain.ts";
import type { Finding } from "../findings.ts";
import { PROBE_INDEXES } from "../probe-ab.ts";

/** One of a column's most common values and the share of the table's rows holding it. */
export interface ValueShare {
  value: string;
  share: number;
}

/** The column's most common values by share, from pg_stats (ANALYZE's sample), largest first. */
export async function readValueShares(
  q: { query: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> },
  table: string,
  column: string,
): Promise<ValueShare[]> {
  const { rows } = await q.query(
    `SELECT most_common_vals::text::text[] AS vals, most_common_freqs AS freqs
       FROM pg_stats WHERE schemaname = current_schema() AND tablename = $1 AND attname = $2`,
    [table, column],
  );
  const r = rows[0] as { vals: string[] | null; freqs: number[] | null } | undefined;
  if (!r?.vals || !r.freqs) return [];
  return r.vals
    .map((value, i) => ({ value, share: Number(r.freqs![i]) }))
    .sort((a, b) => b.share - a.share);
}

/** a value this common is one the planner is right to read without the index */
export const LARGE_SHARE = 0.2;

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/**
 * Where an index probe's sampled plans go without the index the probe exists
 * for, and the index's leading column has a value matching a large share of
 * the table: the planner rightly prefers reading the table (or another index
 * in order) for such a value. The report says so, with the share, instead of
 * calling the index useless or contorting the query. No fix: nothing is wrong.
 */
export function probeShareFindings(
  plans: StatementPlans[],
  catalog: Catalog,
  shares: (table: string, column: string) => ValueShare[],
): Finding[] {
  const out: Finding[] = [];
  for (const p of PROBE_INDEXES) {
    const ix = catalog.indexes.find((i) => i.name === p.index);
    if (!ix) continue;
    for (const s of plans.filter((x) => x.pattern === p.probe)) {
      const using = s.shapes
        .filter((x) => x.shape.includes(p.index))
        .reduce((a, x) => a + x.count, 0);
      if (using === s.samples) continue;
      const column = ix.keys[0];
      const large = shares(p.table, column).filter((v) => v.share >= LARGE_SHARE);
      if (large.length === 0) continue;
      const other = s.shapes.find((x) => !x.shape.includes(p.index))?.shape ?? "another plan";
      out.push({
        kind: "planner-skips-index",
        severity: "low",
        table: p.table,
        index: p.index,
        pattern: `${p.probe} (${s.statement})`,
        evidence: `${p.index} is in ${using} of ${s.samples} sampled plans of ${p.probe}; the others run ${other}. ${large
          .map((v) => `${column} = ${v.value} matches ${pct(v.share)} of ${p.table}`)
          .join(
            ", ",
          )} (pg_stats): at that share reading the table, or another index in the order asked, is cheaper than the index, so the planner is right to skip it there; the index serves the rarer values.`,
        fix: null,
      });
    }
  }
  return out;
}

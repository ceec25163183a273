import { type Candidate, candidateFix, candidateName } from "../candidates.ts";
import type { Catalog, IndexInfo } from "../catalog.ts";
import { ownPredicates, type Predicate, parsePredicates, parseSortKey } from "../conditions.ts";
import type { StatementPlans } from "../explain.ts";
import type { Finding } from "../findings.ts";
import type { ScanNode } from "../plan.ts";

/**
 * Findings from the access patterns' plans: sequential scans and sorts over
 * large inputs with no usable index, index types that cannot serve the
 * predicate, and gross row misestimates. Each scan or sort that an index
 * could serve also yields a candidate index for the what-if step.
 */

export interface PlanRuleOptions {
  /** a table smaller than this (planner estimate) is never worth an index finding */
  minTableRows: number;
  /** a scan or sort handling fewer rows per execution is not reported */
  minRows: number;
}

export const DEFAULT_PLAN_RULES: PlanRuleOptions = { minTableRows: 5_000, minRows: 1_000 };

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** An existing valid, non-partial btree whose leading keys are exactly `cols` (any order). */
function leadingIndex(indexes: IndexInfo[], table: string, cols: string[]): IndexInfo | undefined {
  return indexes.find(
    (i) =>
      i.table === table &&
      i.valid &&
      i.predicate === null &&
      i.method === "btree" &&
      cols.length > 0 &&
      i.keys.length >= cols.length &&
      cols.every((c) => i.keys.slice(0, cols.length).includes(c)),
  );
}

/** Long conditions (a 20-uuid ANY list) cut to a readable length. */
function short(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

function btreeKeys(preds: Predicate[]): string[] {
  const eq = unique(preds.filter((p) => p.kind === "eq").map((p) => p.column));
  const range = preds.find((p) => p.kind === "range" && !eq.includes(p.column));
  return range ? [...eq, range.column] : eq;
}

export function planFindings(
  plans: StatementPlans[],
  catalog: Catalog,
  opts: PlanRuleOptions = DEFAULT_PLAN_RULES,
): { findings: Finding[]; candidates: Candidate[] } {
  const findings: Finding[] = [];
  const candidates: Candidate[] = [];
  const rows = new Map(catalog.tables.map((t) => [t.name, t.rowEstimate ?? 0]));
  const big = (table: string) => (rows.get(table) ?? 0) >= opts.minTableRows;
  const schema = catalog.schema;
  const seen = new Set<string>();
  const once = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };

  for (const sp of plans) {
    const where = `${sp.pattern} (${sp.statement})`;
    // 1. sequential scans over large tables
    for (const scan of sp.seqScans) {
      if (!big(scan.table) || scan.maxRowsRead < opts.minRows) continue;
      const node: ScanNode = {
        table: scan.table,
        alias: scan.alias,
        nodeType: "Seq Scan",
        index: null,
        cond: null,
        filter: scan.filter,
        joinCond: scan.joinCond,
      };
      const preds = ownPredicates(node);
      const filterText = scan.filter ? short(scan.filter) : null;
      const how = [
        filterText ? `filter ${filterText}` : "",
        scan.joinCond ? `join on ${short(scan.joinCond)}` : "",
      ]
        .filter(Boolean)
        .join(" and ");
      const read = `reads up to ${Math.round(scan.maxRowsRead).toLocaleString("en-US")} rows of ${scan.table} (about ${Math.round(rows.get(scan.table) ?? 0).toLocaleString("en-US")} rows) per execution`;
      const inArray = preds.filter((p) => p.kind === "value-in-array");
      for (const p of inArray) {
        const gin = catalog.indexes.find(
          (i) => i.table === scan.table && i.method === "gin" && i.keys[0] === p.column,
        );
        if (gin && once(`mismatch|${gin.name}|${sp.pattern}`)) {
          findings.push({
            kind: "index-type-mismatch",
            severity: "high",
            table: scan.table,
            index: gin.name,
            pattern: sp.pattern,
            evidence: `${where}: the predicate "value = ANY (${p.column})" cannot use GIN index ${gin.name} (GIN serves @>, <@, &&); the plan ${read}`,
            fix: `-- rewrite the predicate in the query: ${p.column} @> ARRAY[value]`,
          });
        }
      }
      let keys = btreeKeys(preds);
      let method: Candidate["method"] = "btree";
      const arr = preds.find((p) => p.kind === "array");
      if (keys.length === 0 && arr) {
        keys = [arr.column];
        method = "gin";
      }
      if (keys.length === 0) {
        if (once(`seq|${scan.table}|${sp.pattern}`))
          findings.push({
            kind: "seq-scan",
            severity: "medium",
            table: scan.table,
            pattern: where,
            evidence: `${where} ${read}${how ? ` with ${how}, which no btree or GIN index can serve` : " with no filter (the whole table feeds a join or aggregate)"}`,
            fix: null,
          });
        continue;
      }
      const existing =
        method === "btree" ? leadingIndex(catalog.indexes, scan.table, keys) : undefined;
      if (existing) {
        if (once(`seq|${scan.table}|${sp.pattern}`))
          findings.push({
            kind: "seq-scan",
            severity: "low",
            table: scan.table,
            index: existing.name,
            pattern: where,
            evidence: `${where} ${read} although ${existing.name} (${existing.keys.join(", ")}) serves its ${how}: the planner judged the index slower (low selectivity, stale statistics, or a hash join reading most of the table)`,
            fix: `ANALYZE ${scan.table};`,
          });
        continue;
      }
      const c: Candidate = {
        name: candidateName(scan.table, keys),
        table: scan.table,
        method,
        keys,
        patterns: [sp.pattern],
        reason: `seq scan with ${how}`,
      };
      candidates.push(c);
      if (once(`seq|${scan.table}|${sp.pattern}`))
        findings.push({
          kind: "seq-scan",
          severity: "high",
          table: scan.table,
          pattern: where,
          evidence: `${where} ${read} with ${how}; no index leads with (${keys.join(", ")})`,
          fix: candidateFix(c, schema),
        });
    }

    // 2. sorts over large inputs that an index order could provide
    for (const sort of sp.sorts) {
      if (sort.maxRows < opts.minRows) continue;
      const keys = sort.keys.map(parseSortKey);
      if (keys.some((k) => k === null)) continue; // sorting on an aggregate or expression: no index helps
      const aliases = unique(keys.map((k) => k!.alias));
      const node =
        sort.nodes.find(
          (n) => aliases.length === 1 && (n.alias === aliases[0] || aliases[0] === null),
        ) ?? (sort.nodes.length === 1 ? sort.nodes[0] : undefined);
      if (!node || !big(node.table)) continue;
      const eq = unique(
        ownPredicates(node)
          .filter((p) => p.kind === "eq")
          .map((p) => p.column),
      );
      const order = keys.map((k) => `${k!.column}${k!.desc ? " DESC" : ""}`);
      const idxKeys = [...eq, ...order.filter((o) => !eq.includes(o.replace(/ DESC$/, "")))];
      const c: Candidate = {
        name: candidateName(node.table, idxKeys),
        table: node.table,
        method: "btree",
        keys: idxKeys,
        patterns: [sp.pattern],
        reason: `sort on ${sort.keys.join(", ")}`,
      };
      const multi = sort.tables.length > 1;
      candidates.push(c);
      if (once(`sort|${node.table}|${sp.pattern}|${order.join(",")}`))
        findings.push({
          kind: "sort-without-index",
          severity: multi ? "medium" : "high",
          table: node.table,
          pattern: where,
          evidence: `${where} sorts up to ${Math.round(sort.maxRows).toLocaleString("en-US")} rows on ${sort.keys.join(", ")} (${sort.method ?? "sort"})${multi ? `, over a join of ${sort.tables.join(", ")}: an index on ${node.table} (${idxKeys.join(", ")}) gives each ${eq.join("/") || "group"} its rows in order, but the merge across groups still sorts unless the query takes the top rows per group (LATERAL ... LIMIT)` : `; an index on (${idxKeys.join(", ")}) returns the rows already ordered`}`,
          fix: candidateFix(c, schema),
        });
    }

    // 3. a multi-column btree used with a range on its leading column: the rest is a filter
    for (const s of sp.all) {
      for (const use of s.indexes) {
        const ix = catalog.indexes.find((i) => i.name === use.index);
        if (ix?.method !== "btree" || ix.keys.length < 2) continue;
        const preds = parsePredicates(use.cond);
        const lead = preds.filter((p) => p.column === ix.keys[0]);
        const later = preds.filter((p) => ix.keys.slice(1).includes(p.column));
        if (
          !lead.some((p) => p.kind === "range") ||
          lead.some((p) => p.kind === "eq") ||
          later.length === 0
        )
          continue;
        if (!once(`range|${ix.name}|${sp.pattern}`)) continue;
        findings.push({
          kind: "index-type-mismatch",
          severity: "medium",
          table: ix.table,
          index: ix.name,
          pattern: where,
          evidence: `${where} uses btree ${ix.name} (${ix.keys.join(", ")}) with a range on ${ix.keys[0]} and conditions on ${unique(later.map((p) => p.column)).join(", ")}: a btree narrows only by the leading column's range and checks the rest entry by entry; a 2-D box needs a GiST index`,
          fix: gistFix(ix, schema),
        });
      }
    }

    // 4. gross misestimates (plans built on wrong row counts)
    const w = sp.worstMisestimate;
    if (w && w.factor >= 10 && Math.max(w.estimated, w.actual) >= opts.minRows && w.table) {
      if (once(`est|${w.table}|${sp.pattern}`))
        findings.push({
          kind: "row-misestimate",
          severity: "low",
          table: w.table,
          pattern: where,
          evidence: `${where}: ${w.node} estimated ${Math.round(w.estimated)} rows, got ${Math.round(w.actual)} (x${w.factor.toFixed(0)}); refresh or deepen the statistics`,
          fix: `ANALYZE ${w.table};`,
        });
    }
  }
  return { findings, candidates };
}

function gistFix(ix: IndexInfo, schema: string): string {
  const name = `${ix.name}_gist`.slice(0, 63);
  return [
    "CREATE EXTENSION IF NOT EXISTS btree_gist;",
    `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${schema}.${ix.table} USING gist (${ix.keys.join(", ")});`,
    `DROP INDEX CONCURRENTLY IF EXISTS ${schema}.${ix.name};`,
  ].join("\n");
}

/**
 * Without a pattern to look at: a btree on two coordinate columns serves a
 * bounding-box query with the first column's range only.
 */
export function coordinateFindings(catalog: Catalog): Finding[] {
  const lat = /^(lat|latitude|y)$/;
  const lon = /^(lon|lng|long|longitude|x)$/;
  return catalog.indexes
    .filter(
      (i) =>
        i.method === "btree" &&
        i.keys.length === 2 &&
        ((lat.test(i.keys[0]) && lon.test(i.keys[1])) ||
          (lon.test(i.keys[0]) && lat.test(i.keys[1]))),
    )
    .map((i) => ({
      kind: "index-type-mismatch" as const,
      severity: "low" as const,
      table: i.table,
      index: i.name,
      evidence: `btree ${i.name} (${i.keys.join(", ")}) serves a bounding-box or nearest query only through the range of ${i.keys[0]} (every row in that latitude band is read and ${i.keys[1]} checked entry by entry); a GiST index narrows by both coordinates`,
      fix: gistFix(i, catalog.schema),
    }));
}

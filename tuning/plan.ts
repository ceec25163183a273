/**
 * EXPLAIN (FORMAT JSON) plans, summarized: the node tree in one compact line,
 * the indexes used, sequential scans and sorts with their row counts, the
 * worst estimated-vs-actual row misestimate, shared buffers hit and read.
 */

/** One node of EXPLAIN's JSON output (the fields this module reads). */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Alias?: string;
  "Index Name"?: string;
  "Plan Rows": number;
  "Total Cost"?: number;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Filter?: string;
  "Index Cond"?: string;
  "Recheck Cond"?: string;
  "Join Filter"?: string;
  "Hash Cond"?: string;
  "Merge Cond"?: string;
  "Sort Key"?: string[];
  "Sort Method"?: string;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  "Function Name"?: string;
  Plans?: PlanNode[];
}

export interface ExplainOutput {
  Plan: PlanNode;
  "Planning Time"?: number;
  "Execution Time"?: number;
}

export interface ScanInfo {
  table: string;
  alias: string;
  /** conditions of the joins above the scan */
  joinCond: string | null;
  /** rows the scan read: returned plus removed by its filter, over all loops */
  rowsRead: number;
  filter: string | null;
}

export interface SortInfo {
  keys: string[];
  method: string | null;
  /** rows sorted, over all loops */
  rows: number;
  /** the tables below the sort (the sort's input) */
  tables: string[];
  /** the scans below the sort: alias, table, conditions (to name a candidate index) */
  nodes: ScanNode[];
}

export interface ScanNode {
  table: string;
  alias: string;
  nodeType: string;
  index: string | null;
  cond: string | null;
  filter: string | null;
  /** conditions of the joins above the scan (hash, merge, join filter) */
  joinCond: string | null;
}

export interface IndexUse {
  index: string;
  table: string;
  nodeType: string;
  cond: string | null;
  filter: string | null;
}

export interface PlanSummary {
  /** e.g. "Limit > Sort > Hash Join(Seq Scan users, Index Scan dishes_pkey)" */
  shape: string;
  indexes: IndexUse[];
  seqScans: ScanInfo[];
  sorts: SortInfo[];
  /** the node with the largest ratio between estimated and actual rows */
  worstMisestimate: {
    node: string;
    table: string | null;
    estimated: number;
    actual: number;
    factor: number;
  } | null;
  sharedHit: number;
  sharedRead: number;
  planningMs: number | null;
  executionMs: number | null;
}

function label(n: PlanNode): string {
  const t = n["Node Type"];
  if (n["Index Name"]) return `${t} ${n["Index Name"]}`;
  if (n["Relation Name"]) return `${t} ${n["Relation Name"]}`;
  if (n["Function Name"]) return `${t} ${n["Function Name"]}`;
  return t;
}

/** A compact rendering of the tree: single children chain with ">", siblings in parentheses. */
export function planShape(n: PlanNode): string {
  const kids = n.Plans ?? [];
  if (kids.length === 0) return label(n);
  if (kids.length === 1) return `${label(n)} > ${planShape(kids[0])}`;
  return `${label(n)}(${kids.map(planShape).join(", ")})`;
}

/** An indented tree, one node a line, with estimated/actual rows: for the reports. */
export function planTree(n: PlanNode, depth = 0): string[] {
  const loops = n["Actual Loops"] ?? 1;
  const actual =
    n["Actual Rows"] === undefined
      ? ""
      : ` actual=${fmtRows(n["Actual Rows"])}${loops > 1 ? `x${loops}` : ""}`;
  const cond = n["Index Cond"] ?? n["Hash Cond"] ?? n["Recheck Cond"];
  const extra = [
    cond ? `cond: ${cond}` : "",
    n.Filter ? `filter: ${n.Filter}` : "",
    n["Sort Key"] ? `key: ${n["Sort Key"].join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  const line = `${"  ".repeat(depth)}${label(n)} (est=${fmtRows(n["Plan Rows"])}${actual})${extra ? ` ${extra}` : ""}`;
  return [line, ...(n.Plans ?? []).flatMap((k) => planTree(k, depth + 1))];
}

function fmtRows(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Visits every node with the join conditions of the joins above it (Hash Cond, Merge Cond, Join Filter). */
function walk(
  n: PlanNode,
  visit: (n: PlanNode, joinConds: string[]) => void,
  conds: string[] = [],
): void {
  visit(n, conds);
  const own = [n["Hash Cond"], n["Merge Cond"], n["Join Filter"]].filter((c): c is string =>
    Boolean(c),
  );
  const below = own.length > 0 ? [...conds, ...own] : conds;
  for (const k of n.Plans ?? []) walk(k, visit, below);
}

export function scansBelow(n: PlanNode): ScanNode[] {
  const out: ScanNode[] = [];
  walk(n, (x, joins) => {
    if (!x["Relation Name"]) return;
    out.push({
      table: x["Relation Name"],
      alias: x.Alias ?? x["Relation Name"],
      nodeType: x["Node Type"],
      index: x["Index Name"] ?? null,
      cond: x["Index Cond"] ?? x["Recheck Cond"] ?? null,
      filter: x.Filter ?? null,
      joinCond: joins.length > 0 ? joins.join(" AND ") : null,
    });
  });
  return out;
}

function tablesBelow(n: PlanNode): string[] {
  const out = new Set<string>();
  walk(n, (x) => {
    if (x["Relation Name"]) out.add(x["Relation Name"]);
  });
  return [...out];
}

export function summarizePlan(e: ExplainOutput): PlanSummary {
  const indexes: IndexUse[] = [];
  const seqScans: ScanInfo[] = [];
  const sorts: SortInfo[] = [];
  let worst: PlanSummary["worstMisestimate"] = null;
  walk(e.Plan, (n, joins) => {
    const loops = n["Actual Loops"] ?? 1;
    const type = n["Node Type"];
    if (n["Index Name"]) {
      indexes.push({
        index: n["Index Name"],
        table: n["Relation Name"] ?? "",
        nodeType: type,
        cond: n["Index Cond"] ?? n["Recheck Cond"] ?? null,
        filter: n.Filter ?? null,
      });
    }
    if (type === "Seq Scan" && n["Relation Name"]) {
      const returned = (n["Actual Rows"] ?? n["Plan Rows"]) * loops;
      const removed = (n["Rows Removed by Filter"] ?? 0) * loops;
      seqScans.push({
        table: n["Relation Name"],
        alias: n.Alias ?? n["Relation Name"],
        joinCond: joins.length > 0 ? joins.join(" AND ") : null,
        rowsRead: returned + removed,
        filter: n.Filter ?? null,
      });
    }
    if (type === "Sort" || type === "Incremental Sort") {
      // rows sorted: the input's rows (a top-N sort returns only its LIMIT)
      const input = n.Plans?.[0];
      const inRows = input
        ? (input["Actual Rows"] ?? input["Plan Rows"]) * (input["Actual Loops"] ?? 1)
        : 0;
      sorts.push({
        keys: n["Sort Key"] ?? [],
        method: n["Sort Method"] ?? null,
        rows: inRows,
        nodes: input ? scansBelow(input) : [],
        tables: tablesBelow(n),
      });
    }
    if (n["Actual Rows"] !== undefined && loops > 0) {
      const est = Math.max(1, n["Plan Rows"]);
      const act = Math.max(1, n["Actual Rows"]);
      const factor = Math.max(est / act, act / est);
      if (factor > (worst?.factor ?? 1)) {
        worst = {
          node: label(n),
          table: n["Relation Name"] ?? null,
          estimated: n["Plan Rows"],
          actual: n["Actual Rows"],
          factor,
        };
      }
    }
  });
  return {
    shape: planShape(e.Plan),
    indexes,
    seqScans,
    sorts,
    worstMisestimate: worst,
    sharedHit: e.Plan["Shared Hit Blocks"] ?? 0,
    sharedRead: e.Plan["Shared Read Blocks"] ?? 0,
    planningMs: e["Planning Time"] ?? null,
    executionMs: e["Execution Time"] ?? null,
  };
}

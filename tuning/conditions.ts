/**
 * Reads the column predicates out of EXPLAIN's condition text, e.g.
 * `((r.city)::text = 'Chicago'::text)`, `(user_id = ANY ('{...}'::uuid[]))`,
 * `('Thai'::text = ANY ((cuisine_type)::text[]))`. Enough to name the columns a
 * candidate index needs and the operator it must serve; not a SQL parser.
 */

export type PredicateKind = "eq" | "range" | "array" | "like" | "ne" | "value-in-array";

export interface Predicate {
  alias: string | null;
  column: string;
  op: string;
  kind: PredicateKind;
}

const CAST = String.raw`(?:::[a-z ]+(?:\(\d+(?:,\d+)?\))?(?:\[\])?)*`;
const COLUMN = String.raw`\(?(?:([a-z_][a-z0-9_]*)\.)?"?([a-z_][a-z0-9_]*)"?\)?${CAST}`;
const LEFT = new RegExp(
  String.raw`(?:^|[(\s])${COLUMN}\s*(=|<>|<=|>=|<|>|~~\*|~~|!~~|@>|<@|&&)\s*`,
  "g",
);
/** the right side of `a.x = b.y`: a qualified column is an equality on its own table too */
const RIGHT_COLUMN = /=\s*\(?([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\)?(?![\w.(])/g;
const ANY_COLUMN = new RegExp(String.raw`=\s*ANY\s*\(\s*${COLUMN}\s*\)`, "g");
const KEYWORDS = new Set([
  "and",
  "or",
  "not",
  "any",
  "all",
  "null",
  "true",
  "false",
  "array",
  "subplan",
]);

function kindOf(op: string): PredicateKind {
  if (op === "=") return "eq";
  if (op === "<>") return "ne";
  if (op === "@>" || op === "<@" || op === "&&") return "array";
  if (op.includes("~~")) return "like";
  return "range";
}

export function parsePredicates(text: string | null | undefined): Predicate[] {
  if (!text) return [];
  const out: Predicate[] = [];
  for (const m of text.matchAll(ANY_COLUMN)) {
    out.push({ alias: m[1] ?? null, column: m[2], op: "= ANY", kind: "value-in-array" });
  }
  for (const m of text.matchAll(RIGHT_COLUMN)) {
    out.push({ alias: m[1], column: m[2], op: "=", kind: "eq" });
  }
  for (const m of text.matchAll(LEFT)) {
    const column = m[2];
    if (KEYWORDS.has(column)) continue;
    // `x = ANY (col)` was read above as value-in-array; here it is the literal on the left
    out.push({ alias: m[1] ?? null, column, op: m[3], kind: kindOf(m[3]) });
  }
  return out;
}

/** The predicates of a scan node that are on its own table (no alias, or its alias). */
export function ownPredicates(node: {
  alias: string;
  table: string;
  cond: string | null;
  filter: string | null;
  joinCond?: string | null;
}): Predicate[] {
  const own = [...parsePredicates(node.cond), ...parsePredicates(node.filter)].filter(
    (p) => p.alias === null || p.alias === node.alias || p.alias === node.table,
  );
  // join conditions name both sides: only the ones qualified with this scan's alias are its own;
  const joins = parsePredicates(node.joinCond).filter(
    (p) => p.kind === "eq" && (p.alias === node.alias || p.alias === node.table),
  );
  // the scan's own equalities come first; join columns only when it has none
  return own.some((p) => p.kind === "eq") ? own : [...own, ...joins];
}

/** A sort key like `r.created_at DESC` as column and direction; null for an expression. */
export function parseSortKey(
  key: string,
): { alias: string | null; column: string; desc: boolean } | null {
  const m =
    /^\(?(?:([a-z_][a-z0-9_]*)\.)?"?([a-z_][a-z0-9_]*)"?\)?(?:::[a-z ]+)?(\s+DESC)?(?:\s+NULLS\s+(?:FIRST|LAST))?$/i.exec(
      key.trim(),
    );
  if (!m) return null;
  return { alias: m[1] ?? null, column: m[2], desc: Boolean(m[3]) };
}

/**
 * A tuning finding: what is wrong, where, the evidence, and the SQL statement
 * that fixes it. The same shape goes to the JSON (`tune --out`), the Markdown
 * and the HTML report.
 */

export type FindingKind =
  | "duplicate-index"
  | "redundant-index"
  | "unused-index"
  | "unindexed-foreign-key"
  | "seq-scan"
  | "sort-without-index"
  | "index-type-mismatch"
  | "row-misestimate"
  | "planner-skips-index"
  | "dynamo-hot-partition";

export type Severity = "high" | "medium" | "low";

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  table: string;
  /** the index the finding is about (drop, replace), when there is one */
  index?: string;
  /** the access pattern (scenario) whose plan shows it, when there is one */
  pattern?: string;
  /** what was seen, in one or two sentences with figures */
  evidence: string;
  /**
   * the statement that fixes it, ready to run (CONCURRENTLY: outside a
   * transaction); null when the fix is not SQL (e.g. DynamoDB key design)
   */
  fix: string | null;
}

const ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** High first, then by kind and table, so reports and JSON read the same way every run. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      ORDER[a.severity] - ORDER[b.severity] ||
      a.kind.localeCompare(b.kind) ||
      a.table.localeCompare(b.table) ||
      (a.index ?? a.pattern ?? "").localeCompare(b.index ?? b.pattern ?? ""),
  );
}

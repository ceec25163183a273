import { type IndexInfo, ident } from "../catalog.ts";
import type { Finding } from "../findings.ts";

/**
 * Duplicate indexes (same table, method, keys, operator classes, options,
 * collations, INCLUDE columns, predicate and uniqueness) and indexes made
 * redundant by another one: their keys are the leading prefix of a wider
 * btree, or the same keys as a UNIQUE / PRIMARY KEY constraint's index.
 * Constraint indexes are never proposed for dropping (they enforce something).
 */

function sameKeys(a: IndexInfo, b: IndexInfo, n: number): boolean {
  if (a.method !== b.method) return false;
  for (let k = 0; k < n; k++) {
    if (a.keys[k] !== b.keys[k]) return false;
    if (a.opclasses[k] !== b.opclasses[k]) return false;
    if ((a.options[k] ?? 0) !== (b.options[k] ?? 0)) return false;
    if ((a.collations[k] ?? 0) !== (b.collations[k] ?? 0)) return false;
  }
  return true;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function isDuplicate(a: IndexInfo, b: IndexInfo): boolean {
  return (
    a.table === b.table &&
    a.keys.length === b.keys.length &&
    sameKeys(a, b, a.keys.length) &&
    sameSet(a.include, b.include) &&
    a.predicate === b.predicate &&
    a.unique === b.unique
  );
}

/** True when every scan `a` can serve, `b` serves too, and `a` enforces nothing `b` does not. */
export function coveredBy(a: IndexInfo, b: IndexInfo): boolean {
  if (a.table !== b.table || a.name === b.name || !b.valid) return false;
  if (a.constraint || a.unique) return false;
  if (a.predicate !== null && a.predicate !== b.predicate) return false;
  if (a.predicate === null && b.predicate !== null) return false;
  const n = a.keys.length;
  if (n > b.keys.length) return false;
  // only a btree serves the leading prefix of its keys on its own; other methods: same keys only
  if (n < b.keys.length && a.method !== "btree") return false;
  if (!sameKeys(a, b, n)) return false;
  const bCols = new Set([...b.keys, ...b.include]);
  return a.include.every((c) => bCols.has(c));
}

/** Which of two duplicates to keep: a constraint's index, then a unique one, then the first name. */
function keeperRank(i: IndexInfo): string {
  return `${i.constraint ? 0 : 1}${i.unique ? 0 : 1}${i.name}`;
}

function describe(i: IndexInfo): string {
  const cols = i.keys.join(", ");
  const inc = i.include.length > 0 ? ` INCLUDE (${i.include.join(", ")})` : "";
  const where = i.predicate ? ` WHERE ${i.predicate}` : "";
  const what = i.constraint
    ? ` ${i.constraint.type === "p" ? "PRIMARY KEY" : "UNIQUE"} constraint ${i.constraint.name}`
    : i.unique
      ? " UNIQUE"
      : "";
  return `${i.name} (${i.method} on ${cols}${inc}${where}${what})`;
}

export function dropIndexStatement(i: IndexInfo): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${ident(i.schema)}.${ident(i.name)};`;
}

export function overlapFindings(indexes: IndexInfo[]): Finding[] {
  const findings: Finding[] = [];
  const dropped = new Set<string>();
  const byTable = new Map<string, IndexInfo[]>();
  for (const i of indexes) {
    if (!i.valid) continue;
    byTable.set(i.table, [...(byTable.get(i.table) ?? []), i]);
  }
  for (const [table, list] of byTable) {
    // exact duplicates: keep one of each group
    const sorted = [...list].sort((a, b) => keeperRank(a).localeCompare(keeperRank(b)));
    for (let x = 0; x < sorted.length; x++) {
      const keep = sorted[x];
      if (dropped.has(keep.name)) continue;
      for (let y = x + 1; y < sorted.length; y++) {
        const dup = sorted[y];
        if (dropped.has(dup.name) || !isDuplicate(keep, dup)) continue;
        if (dup.constraint) continue; // two constraints with one shape: not ours to drop
        dropped.add(dup.name);
        findings.push({
          kind: "duplicate-index",
          severity: "high",
          table,
          index: dup.name,
          evidence: `${describe(dup)} duplicates ${describe(keep)}: same method, keys, operator classes and predicate; ${formatBytes(dup.sizeBytes)} kept up to date on every write for nothing`,
          fix: dropIndexStatement(dup),
        });
      }
    }
    // redundant: covered by the prefix of a wider index, or by a constraint's index
    for (const a of list) {
      if (dropped.has(a.name)) continue;
      const covering = list
        .filter((b) => !dropped.has(b.name) && coveredBy(a, b))
        .sort(
          (p, q) =>
            (p.constraint ? 0 : 1) - (q.constraint ? 0 : 1) ||
            q.keys.length - p.keys.length ||
            p.name.localeCompare(q.name),
        );
      if (covering.length === 0) continue;
      // two plain indexes with identical keys but for uniqueness are caught above; here a ⊂ b
      dropped.add(a.name);
      const b = covering[0];
      const how =
        a.keys.length === b.keys.length
          ? `has the same keys as ${describe(b)}`
          : `is the leading prefix of ${describe(b)}`;
      const byConstraint = covering.some((c) => c.constraint)
        ? " (a constraint's index, which cannot be dropped)"
        : "";
      const others =
        covering.length > 1
          ? `; also covered by ${covering
              .slice(1)
              .map((c) => c.name)
              .join(", ")}`
          : "";
      findings.push({
        kind: "redundant-index",
        severity: b.constraint ? "high" : "medium",
        table,
        index: a.name,
        evidence: `${describe(a)} ${how}${byConstraint}${others}: every lookup on (${a.keys.join(", ")}) can use ${b.name}; dropping it saves ${formatBytes(a.sizeBytes)} and one index update per write`,
        fix: dropIndexStatement(a),
      });
    }
  }
  return findings;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

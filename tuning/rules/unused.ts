import type { Catalog } from "../catalog.ts";
import type { Finding } from "../findings.ts";
import type { IndexUsage } from "../stats.ts";
import { supports } from "./foreign-keys.ts";
import { dropIndexStatement, formatBytes } from "./overlap.ts";

/**
 * Indexes no access pattern used: no scan in the benchmark window
 * (pg_stat_user_indexes.idx_scan delta) and in no sampled plan. Constraint
 * and unique indexes enforce something and are never listed; an index that is
 * its foreign key's only support is kept (it serves deletes on the parent).
 */
export function unusedFindings(
  catalog: Catalog,
  usage: IndexUsage[],
  usedInPlans: Set<string>,
  window: string,
  /** false when some access patterns were not measured: then nothing is proposed for dropping */
  complete = true,
): Finding[] {
  const scans = new Map(usage.map((u) => [u.index, u.idxScan]));
  const out: Finding[] = [];
  for (const ix of catalog.indexes) {
    if (ix.constraint || ix.unique || !ix.valid) continue;
    if ((scans.get(ix.name) ?? 0) > 0 || usedInPlans.has(ix.name)) continue;
    const fk = catalog.foreignKeys.find(
      (f) =>
        supports(f, ix) &&
        catalog.indexes.filter((o) => o.name !== ix.name && supports(f, o)).length === 0,
    );
    const partial = complete
      ? ""
      : "; not every access pattern was measured, so this is no reason to drop it yet";
    out.push({
      kind: "unused-index",
      severity: fk || !complete ? "low" : "medium",
      table: ix.table,
      index: ix.name,
      evidence: `${ix.name} (${ix.method} on ${ix.keys.join(", ")}, ${formatBytes(ix.sizeBytes)}) had 0 scans during ${window} and appears in no access pattern's plan${fk ? `; it is the only index supporting foreign key ${fk.name}, so keep it if ${fk.refTable} rows are deleted or their keys change` : ""}${partial}`,
      fix: fk || !complete ? null : dropIndexStatement(ix),
    });
  }
  return out;
}

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { INDEX_SETS_DIR, type IndexSet, parseIndexSet } from "../schema/index.ts";
import { candidateSql } from "./candidates.ts";
import type { Catalog } from "./catalog.ts";
import type { Finding } from "./findings.ts";
import type { WhatIfResult } from "./whatif.ts";

/**
 * The proposed index set: the tuned set's indexes minus the ones a finding
 * says to drop (duplicate, redundant, unused — never one that is its foreign
 * key's only support), plus the candidates the what-if step showed the
 * planner uses and that make the pattern's plan at least 20% cheaper.
 */

export interface ProposedSet {
  name: string;
  base: string;
  kept: string[];
  dropped: Array<{ name: string; kind: string; why: string }>;
  added: Array<{ name: string; sql: string; why: string }>;
  /** the file's text, as `--save-set` writes it */
  text: string;
  file: string;
  /** the file does not exist yet */
  missingFile: boolean;
  /** the file exists and holds the same statements */
  matchesFile: boolean;
}

const DROP_KINDS = new Set(["duplicate-index", "redundant-index", "unused-index"]);
export const MIN_COST_GAIN = 0.2;

export function proposeSet(
  name: string,
  base: IndexSet,
  catalog: Catalog,
  findings: Finding[],
  whatIf: WhatIfResult[],
  dir = INDEX_SETS_DIR,
  /** where the evidence was measured, for the file's header (e.g. "small seed 1, PostgreSQL 18.4") */
  context?: string,
): ProposedSet {
  const drops = new Map<string, Finding>();
  for (const f of findings)
    if (DROP_KINDS.has(f.kind) && f.index && f.fix?.startsWith("DROP INDEX") && !drops.has(f.index))
      drops.set(f.index, f);
  const kept = base.indexes.filter((i) => !drops.has(i.name));
  const dropped = base.indexes
    .filter((i) => drops.has(i.name))
    .map((i) => ({
      name: i.name,
      kind: drops.get(i.name)!.kind,
      why: drops.get(i.name)!.evidence,
    }));
  const existing = new Set([...kept.map((i) => i.name), ...catalog.indexes.map((i) => i.name)]);
  const added: ProposedSet["added"] = [];
  for (const w of whatIf) {
    if (w.error) continue;
    const helped = w.outcomes.filter(
      (o) =>
        o.usesIndex &&
        o.costAfter <=
          Math.min(o.costBefore, o.costDropsOnly ?? o.costBefore) * (1 - MIN_COST_GAIN),
    );
    if (helped.length === 0) continue;
    if (existing.has(w.candidate.name) && !base.indexes.some((i) => i.name === w.candidate.name))
      continue;
    if (kept.some((i) => i.name === w.candidate.name)) continue;
    added.push({
      name: w.candidate.name,
      sql: candidateSql(w.candidate),
      why: helped
        .map(
          (o) =>
            `${o.pattern}: plan cost ${o.costBefore.toFixed(0)} -> ${o.costAfter.toFixed(0)} (${w.mode})`,
        )
        .join("; "),
    });
  }
  const lines = [
    `-- Index set "${name}": proposed by 'bellyfed-bench tune' from the set "${base.name}"${context ? ` (${context})` : ""}.`,
    "-- Each drop and addition below names its evidence; the A/B table of 'tune --ab' measures it.",
    "",
  ];
  const tables = [
    ...new Set([
      ...kept.map((i) => i.table),
      ...added.map((a) => a.sql.split(" ON ")[1].split(" ")[0]),
    ]),
  ].sort();
  for (const t of tables) {
    lines.push(`-- ${t}`);
    for (const i of kept.filter((k) => k.table === t)) lines.push(`${i.sql};`);
    for (const a of added.filter((x) => x.sql.split(" ON ")[1].split(" ")[0] === t)) {
      lines.push(`-- added: ${a.why}`);
      lines.push(`${a.sql};`);
    }
    lines.push("");
  }
  if (dropped.length > 0) {
    lines.push(`-- dropped from "${base.name}":`);
    for (const d of dropped) lines.push(`--   ${d.name} (${d.kind})`);
  }
  const text = `${lines.join("\n").trimEnd()}\n`;
  parseIndexSet(name, text); // the loader must accept what we write
  const file = join(dir, `${name}.sql`);
  const missingFile = !existsSync(file);
  let matchesFile = false;
  if (!missingFile) {
    const norm = (s: string) =>
      parseIndexSet(name, s)
        .indexes.map((i) => i.fingerprint)
        .sort()
        .join(",");
    try {
      matchesFile = norm(readFileSync(file, "utf8")) === norm(text);
    } catch {
      matchesFile = false;
    }
  }
  return {
    name,
    base: base.name,
    kept: kept.map((i) => i.name),
    dropped,
    added,
    text,
    file,
    missingFile,
    matchesFile,
  };
}

export function saveSet(p: ProposedSet): void {
  writeFileSync(p.file, p.text);
}

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { INDEX_SETS_DIR, type IndexDef, type IndexSet, parseIndexSet } from "../schema/index.ts";
import { candidateSql } from "./candidates.ts";
import type { Catalog } from "./catalog.ts";
import type { Finding } from "./findings.ts";
import type { GeoVerdict, ProbeIndexVerdict } from "./probe-ab.ts";
import { supports } from "./rules/foreign-keys.ts";
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
  /** what the index probes' A/B changed or confirmed (tune --ab; see followProbeVerdicts) */
  followed?: string[];
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
  return renderProposal(name, base, kept, dropped, added, dir, context);
}

/**
 * The proposal's file text and its comparison with the file on disk, from the
 * indexes kept, dropped and added.
 */
function renderProposal(
  name: string,
  base: IndexSet,
  kept: IndexDef[],
  dropped: ProposedSet["dropped"],
  added: ProposedSet["added"],
  dir: string,
  context: string | undefined,
  followed: string[] = [],
): ProposedSet {
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
    ...(followed.length > 0 ? { followed } : {}),
  };
}

/**
 * The proposal made to follow the index probes' A/B (issue 14): an index whose
 * probe improves p95 or throughput by more than the tolerance stays (put back
 * when a finding dropped it); one whose probe shows no such gain is dropped,
 * its verdict saying what it cost; when the geo fix wins against the btree by
 * the same rule, its GiST replaces the btree. Verdicts on indexes the base set
 * does not hold change nothing.
 */
export function followProbeVerdicts(
  p: ProposedSet,
  base: IndexSet,
  verdicts: ProbeIndexVerdict[],
  geo: GeoVerdict | null,
  dir = INDEX_SETS_DIR,
  context?: string,
  /** with it, an index that is its foreign key's only support is never dropped for no gain */
  catalog?: Catalog,
): ProposedSet {
  const keptNames = new Set(p.kept);
  let dropped = [...p.dropped];
  const added = [...p.added];
  const followed: string[] = [];
  const inBase = (n: string) => base.indexes.some((i) => i.name === n);
  // a drop a finding already made keeps its kind and evidence; the verdict is added to it
  const drop = (name: string, kind: string, why: string) => {
    keptNames.delete(name);
    const before = dropped.find((d) => d.name === name);
    dropped = dropped.filter((d) => d.name !== name);
    dropped.push(before ? { ...before, why: `${before.why}; ${why}` } : { name, kind, why });
  };
  // an index another one duplicates or makes redundant served nothing that index does not
  // serve in both rounds, so a gain its probe shows is noise: it stays dropped
  const covered = (n: string) =>
    p.dropped.some(
      (d) => d.name === n && (d.kind === "duplicate-index" || d.kind === "redundant-index"),
    );
  const fkOnly = (n: string) => {
    const ix = catalog?.indexes.find((i) => i.name === n);
    if (!ix || !catalog) return undefined;
    return catalog.foreignKeys.find(
      (f) =>
        supports(f, ix) &&
        catalog.indexes.filter((o) => o.name !== ix.name && supports(f, o)).length === 0,
    );
  };
  for (const v of verdicts) {
    if (!inBase(v.index)) continue;
    if (v.verdict.keep && covered(v.index)) {
      followed.push(
        `${v.index} stays dropped (${v.probe}): another index serves the same lookups, so its probe's ${v.verdict.reason} is noise`,
      );
      continue;
    }
    const fk = v.verdict.keep ? undefined : fkOnly(v.index);
    if (fk) {
      followed.push(
        `${v.index} kept (${v.probe}): no gain (${v.verdict.reason}), but it is the only index supporting foreign key ${fk.name} (deletes and key changes on ${fk.refTable})`,
      );
      continue;
    }
    if (v.verdict.keep) {
      if (!keptNames.has(v.index)) {
        keptNames.add(v.index);
        dropped = dropped.filter((d) => d.name !== v.index);
        followed.push(`${v.index} kept (${v.probe}): ${v.verdict.reason}`);
      } else followed.push(`${v.index} stays (${v.probe}): ${v.verdict.reason}`);
    } else {
      drop(v.index, "probe-no-gain", `${v.probe}: ${v.verdict.reason}`);
      followed.push(`${v.index} dropped (${v.probe}): ${v.verdict.reason}`);
    }
  }
  if (geo && inBase(geo.replaces) && !inBase(geo.index)) {
    if (geo.verdict.keep) {
      drop(geo.replaces, "geo-fix", `nearby: replaced by ${geo.index}: ${geo.verdict.reason}`);
      if (!added.some((a) => a.name === geo.index))
        added.push({ name: geo.index, sql: geo.sql, why: `nearby: ${geo.verdict.reason}` });
      followed.push(`${geo.index} replaces ${geo.replaces} (nearby): ${geo.verdict.reason}`);
    } else followed.push(`${geo.index} not adopted (nearby): ${geo.verdict.reason}`);
  }
  const kept = base.indexes.filter((i) => keptNames.has(i.name));
  return renderProposal(p.name, base, kept, dropped, added, dir, context, followed);
}

export function saveSet(p: ProposedSet): void {
  writeFileSync(p.file, p.text);
}

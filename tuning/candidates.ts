import { ident } from "./catalog.ts";

/** An index the tuner proposes (from a plan) and the what-if step evaluates. */
export interface Candidate {
  name: string;
  table: string;
  method: "btree" | "gin" | "gist";
  /** key expressions as written in CREATE INDEX, e.g. ["user_id", "created_at DESC"] */
  keys: string[];
  /** the access patterns whose plans asked for it */
  patterns: string[];
  reason: string;
}

export function candidateName(table: string, keys: string[]): string {
  const cols = keys.map((k) => k.replace(/\s+DESC$/i, "").replace(/[^a-z0-9_]/gi, ""));
  return `idx_${table}_${cols.join("_")}`.slice(0, 63);
}

function keyList(c: Candidate): string {
  return c.keys
    .map((k) => {
      const m = /^(\S+)(\s+DESC)?$/i.exec(k);
      return m ? `${ident(m[1])}${m[2] ? " DESC" : ""}` : k;
    })
    .join(", ");
}

/** CREATE INDEX as an index-set file holds it (plain, no CONCURRENTLY, no schema). */
export function candidateSql(c: Candidate): string {
  const using = c.method === "btree" ? "" : ` USING ${c.method}`;
  return `CREATE INDEX ${ident(c.name)} ON ${ident(c.table)}${using} (${keyList(c)})`;
}

/** The production form: CONCURRENTLY, IF NOT EXISTS, schema-qualified. */
export function candidateFix(c: Candidate, schema: string): string {
  const using = c.method === "btree" ? "" : ` USING ${c.method}`;
  return `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${ident(c.name)} ON ${ident(schema)}.${ident(c.table)}${using} (${keyList(c)});`;
}

/**
 * Same table, method and keys: one candidate, with the patterns merged; a
 * btree whose keys lead another btree candidate's is folded into the wider one.
 */
export function mergeCandidates(list: Candidate[]): Candidate[] {
  const merged = mergeSame(list);
  const bare = (k: string) => k.replace(/\s+DESC$/i, "");
  return merged.filter((c) => {
    if (c.method !== "btree") return true;
    const wider = merged.find(
      (o) =>
        o !== c &&
        o.method === "btree" &&
        o.table === c.table &&
        o.keys.length > c.keys.length &&
        c.keys.every((k, i) => bare(o.keys[i]) === bare(k)),
    );
    if (!wider) return true;
    wider.patterns = [...new Set([...wider.patterns, ...c.patterns])].sort();
    return false;
  });
}

function mergeSame(list: Candidate[]): Candidate[] {
  const out = new Map<string, Candidate>();
  for (const c of list) {
    const k = `${c.table}|${c.method}|${c.keys.join(",")}`;
    const cur = out.get(k);
    if (cur) cur.patterns = [...new Set([...cur.patterns, ...c.patterns])].sort();
    else out.set(k, { ...c, patterns: [...c.patterns] });
  }
  return [...out.values()];
}

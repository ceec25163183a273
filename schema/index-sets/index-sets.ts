import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../core/errors.ts";

/**
 * Index sets: each `schema/index-sets/<name>.sql` file is one set, a list of
 * CREATE INDEX statements. Adding a set is adding a file (issue 6's tuning
 * writes `tuned.sql` here).
 */

export const INDEX_SETS_DIR = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_INDEX_SET = "seed";

export interface IndexDef {
  name: string;
  table: string;
  /** the statement as written in the set's file, without the trailing semicolon */
  sql: string;
  /** a short hash of the normalized statement; stored as the index's comment */
  fingerprint: string;
}

export interface IndexSet {
  name: string;
  file: string;
  indexes: IndexDef[];
}

const SET_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const CREATE_INDEX =
  /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?("?[A-Za-z_][A-Za-z0-9_$]*"?)\s+ON\s+(?:ONLY\s+)?("?[A-Za-z_][A-Za-z0-9_$.]*"?)/i;

/** The names of the sets on disk, sorted. */
export function listIndexSets(dir = INDEX_SETS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.slice(0, -4))
    .filter((n) => SET_NAME.test(n))
    .sort();
}

/** Splits a set file into statements: drops `--` comments, splits on semicolons. */
export function parseIndexSet(name: string, text: string, file = `${name}.sql`): IndexSet {
  const body = text
    .split("\n")
    .map((line) => line.replace(/--.*$/, ""))
    .join("\n");
  const indexes: IndexDef[] = [];
  const seen = new Set<string>();
  for (const raw of body.split(";")) {
    const sql = raw.replace(/\s+/g, " ").trim();
    if (sql === "") continue;
    const m = CREATE_INDEX.exec(sql);
    if (!m || /\bCONCURRENTLY\b/i.test(sql.slice(0, 40))) {
      throw new UsageError(
        `index set '${name}' (${file}): '${sql.slice(0, 60)}' is not a plain CREATE INDEX statement; write each index as CREATE INDEX name ON table (...);`,
      );
    }
    const indexName = m[1].replace(/"/g, "");
    const table = m[2].replace(/"/g, "").replace(/^public\./, "");
    if (seen.has(indexName))
      throw new UsageError(`index set '${name}' (${file}) defines ${indexName} twice; keep one`);
    seen.add(indexName);
    indexes.push({ name: indexName, table, sql, fingerprint: fingerprint(sql) });
  }
  if (indexes.length === 0)
    throw new UsageError(`index set '${name}' (${file}) holds no CREATE INDEX statement`);
  return { name, file, indexes };
}

export function fingerprint(sql: string): string {
  return createHash("sha256")
    .update(sql.replace(/\s+/g, " ").trim().toLowerCase())
    .digest("hex")
    .slice(0, 16);
}

/** Loads a set by name; an unknown name is a UsageError listing the sets there are. */
export function loadIndexSet(name: string, dir = INDEX_SETS_DIR): IndexSet {
  const available = listIndexSets(dir);
  if (!available.includes(name)) {
    throw new UsageError(
      `unknown index set '${name}'; available: ${available.join(", ")} (files in schema/index-sets/)`,
    );
  }
  const file = join(dir, `${name}.sql`);
  return parseIndexSet(name, readFileSync(file, "utf8"), file);
}

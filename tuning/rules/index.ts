import type { Catalog } from "../catalog.ts";
import { type Finding, sortFindings } from "../findings.ts";
import { foreignKeyFindings } from "./foreign-keys.ts";
import { overlapFindings } from "./overlap.ts";

/** The findings the catalog alone gives: no data, no traffic needed. */
export function catalogFindings(catalog: Catalog): Finding[] {
  return sortFindings([
    ...overlapFindings(catalog.indexes),
    ...foreignKeyFindings(catalog.schema, catalog.foreignKeys, catalog.indexes, catalog.tables),
  ]);
}

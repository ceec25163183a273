import { describe, expect, it } from "vitest";
import type { LoadStatusReport } from "../../load/index.ts";
import { DYNAMO_TABLES, TABLES_IN_LOAD_ORDER } from "../../schema/index.ts";
import { statusLines } from "../../scripts/commands/load.ts";

/** Table names as the listing prints them (indented name, then a count). */
function listedTables(lines: string[]): string[] {
  return lines.filter((l) => /^ {4}\S/.test(l)).map((l) => l.trim().split(/\s+/)[0]);
}

/** Keys in the order PostgreSQL's JSONB keeps them (shorter first), as the marker returns them. */
function jsonbOrder(names: readonly string[]): Record<string, number> {
  const sorted = [...names].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return Object.fromEntries(sorted.map((n, i) => [n, (i + 1) * 1000]));
}

describe("load status", () => {
  it("lists PostgreSQL tables and DynamoDB read models in the schema's (load) order", () => {
    const rowCounts = { ...jsonbOrder(TABLES_IN_LOAD_ORDER), zz_extra: 5 };
    const dynamoNames = DYNAMO_TABLES.map((d) => d.name);
    expect(Object.keys(rowCounts)).not.toEqual([...TABLES_IN_LOAD_ORDER, "zz_extra"]);
    const report: LoadStatusReport = {
      pg: {
        description: "PostgreSQL test",
        database: "bellyfed",
        marked: true,
        indexSet: "seed",
        load: {
          scale: "small",
          seed: 1,
          status: "complete",
          rowCounts,
          startedAt: new Date(0),
          finishedAt: new Date(1000),
          durationMs: 1000,
        } as NonNullable<LoadStatusReport["pg"]["load"]>,
        loadRunning: false,
      },
      dynamo: {
        description: "DynamoDB test",
        prefix: "",
        tablesIntact: true,
        state: {
          scale: "small",
          seed: 1,
          modelVersion: 1,
          status: "complete",
          itemCounts: Object.fromEntries([...dynamoNames].reverse().map((n) => [n, 10])),
          startedAt: "2026-01-01T00:00:00.000Z",
          finishedAt: "2026-01-01T00:00:01.000Z",
          durationMs: 1000,
          tablesCreated: {},
        },
      },
    };
    const pgLines = statusLines(report, "pg");
    expect(listedTables(pgLines)).toEqual([...TABLES_IN_LOAD_ORDER, "zz_extra"]);
    // each count stays with its table
    for (const l of pgLines.filter((x) => /^ {4}\S/.test(x))) {
      const [name, count] = l.trim().split(/\s+/);
      expect(Number(count.replaceAll(",", ""))).toBe(rowCounts[name as keyof typeof rowCounts]);
    }
    const dynamoLines = statusLines(report, "dynamo");
    expect(listedTables(dynamoLines)).toEqual(dynamoNames);
  });
});

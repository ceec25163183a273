import { describe, expect, it } from "vitest";
import {
  type Item,
  indexWrite,
  queryReadUnits,
  readUnits,
  type TableShape,
  writeCost,
  writeUnits,
} from "../../stores/dynamo-units.ts";

/**
 * DynamoDB's capacity rules from item sizes: 4 KB read units (0.5 eventually
 * consistent, 2 transactional), 1 KB write units (2 transactional), a Query
 * rounded once on the sum, and GSI writes (index item = projection + 100
 * bytes; an index key change = delete + put).
 */
const table: TableShape = {
  name: "t",
  keys: ["pk", "sk"],
  gsis: [
    { name: "ByG", keys: ["g"], projection: "KEYS_ONLY" },
    { name: "ByGWithX", keys: ["g"], projection: ["x"] },
  ],
};
const [byG, byGWithX] = table.gsis;

describe("capacity units from item sizes", () => {
  it("rounds reads to 4 KB and writes to 1 KB, by consistency and transactions", () => {
    expect(readUnits(4096)).toBe(0.5);
    expect(readUnits(4097)).toBe(1);
    expect(readUnits(4097, { consistent: true })).toBe(2);
    expect(readUnits(4097, { transactional: true })).toBe(4);
    expect(readUnits(0)).toBe(0.5);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(1025, { transactional: true })).toBe(4);
  });

  it("rounds a Query once, on the sum of the items it read", () => {
    // 3 items of 1,500 bytes: 4,500 bytes, two 4 KB units (not three, as item by item)
    expect(queryReadUnits([1500, 1500, 1500], { consistent: true })).toBe(2);
    expect(queryReadUnits([1500, 1500, 1500])).toBe(1);
  });

  it("charges GSI writes by the index item (projection + 100 bytes) and key changes as delete + put", () => {
    const x = "y".repeat(950);
    const before: Item = { pk: { S: "p" }, sk: { S: "s" }, g: { S: "a" }, x: { S: x } };
    const moved: Item = { ...before, g: { S: "b" } };
    // ByG's index item: pk, sk, g = 3 + 3 + 2 = 8 bytes + 100: 1 unit; delete + put: 2
    expect(indexWrite(before, moved, table, byG)).toEqual({
      index: "ByG",
      action: "delete+put",
      units: 2,
    });
    // ByGWithX's: 8 + 1 + 950 = 959 + 100 = 1,059 bytes: 2 units each (1 without the overhead)
    expect(indexWrite(null, before, table, byGWithX)).toEqual({
      index: "ByGWithX",
      action: "put",
      units: 2,
    });
    // a change to a projected attribute only: one write; to an unprojected one: none
    const newX: Item = { ...before, x: { S: "z" } };
    expect(indexWrite(before, newX, table, byGWithX).action).toBe("update");
    expect(indexWrite(before, newX, table, byG)).toEqual({
      index: "ByG",
      action: "none",
      units: 0,
    });
    // no index key: no index item, no index write
    const noG: Item = { pk: { S: "p" }, sk: { S: "s" } };
    expect(writeCost(null, noG, table).indexes.map((w) => w.units)).toEqual([0, 0]);
    // removing the key deletes the index item
    expect(indexWrite(before, noG, table, byG).action).toBe("delete");
    // the table pays for the larger of before and after: 2 + 1 + 2 + 1 + 2 + 1 + 1 + 950 = 960 bytes
    expect(writeCost(before, noG, table, { transactional: true }).table).toBe(2);
  });
});

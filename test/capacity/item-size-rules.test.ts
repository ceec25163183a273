import { describe, expect, it } from "vitest";
import { type Item, itemSize, numberSize, toItem } from "../../stores/dynamo-units.ts";

/**
 * AWS's item-size rules ("DynamoDB item sizes and formats") on items whose
 * sizes are counted by hand, attribute by attribute.
 */
describe("item sizes by AWS's rules", () => {
  it("adds names and values of every type as counted by hand", () => {
    const item: Item = {
      id: { S: "abc" }, // 2 + 3 = 5
      n: { N: "123.4500" }, // 1 + (5 significant digits: 3 + 1) = 5
      b: { BOOL: true }, // 1 + 1 = 2
      l: { L: [{ S: "x" }, { N: "0" }] }, // 1 + 3 + (1 + 1) + (1 + 1) = 8
      m: { M: { k: { S: "vv" } } }, // 1 + 3 + (1 + 2 + 1) = 8
      nul: { NULL: true }, // 3 + 1 = 4
      bin: { B: new Uint8Array(5) }, // 3 + 5 = 8
      ss: { SS: ["a", "bb"] }, // 2 + 3 = 5
      é: { S: "é" }, // 2 + 2 (UTF-8) = 4
    };
    expect(itemSize(item)).toBe(49);
  });

  it("sizes numbers by significant digits, zeros trimmed", () => {
    expect(numberSize("0")).toBe(1);
    expect(numberSize("7")).toBe(2);
    expect(numberSize("-0.0012")).toBe(2); // "12"
    expect(numberSize("1000000")).toBe(2); // "1"
    expect(numberSize("123456789")).toBe(6); // 9 digits: 5 + 1
  });

  it("sizes a document-client item like its AttributeValues", () => {
    const doc = { id: "abc", n: 123.45, b: true, l: ["x", 0], m: { k: "vv" }, nul: null };
    // 5 + 5 + 2 + 8 + 8 + 4
    expect(itemSize(toItem(doc))).toBe(32);
  });
});

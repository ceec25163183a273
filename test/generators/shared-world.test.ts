import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Dataset, poolValues, TABLES } from "../../generators/core.ts";
import { createDataset, poolsFor } from "../../generators/index.ts";

function digests(ds: Dataset): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const h = createHash("sha256");
    for (const b of ds.table(t).chunks()) h.update(b);
    out[t] = h.digest("hex");
  }
  return out;
}

describe("a World built over another World's shared tables", () => {
  it("gives byte-identical rows and uses the same memory (no copy)", () => {
    const a = createDataset({ scale: "tiny", seed: 21 });
    const state = a.world.share();
    for (const arr of [state.restCell, state.dishStart, state.groups.reviews.prefix]) {
      expect(arr.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    const b = new Dataset(a.config, poolValues(poolsFor(21)), structuredClone(state));
    expect(digests(b)).toEqual(digests(a));
    expect(b.counts()).toEqual(a.counts());
    // a structured clone (what workerData does) of a SharedArrayBuffer view shares the memory
    const clone = structuredClone(state);
    clone.restDishCount[0] = (clone.restDishCount[0] + 1) & 255;
    expect(a.world.restDishCount[0]).toBe(clone.restDishCount[0]);
  });

  it("refuses tables of another scale", () => {
    const a = createDataset({ scale: "tiny", seed: 21 });
    const other = { ...a.config, users: a.config.users + 1 };
    expect(() => new Dataset(other, undefined, a.world.share())).toThrow(/another scale/);
  });
});

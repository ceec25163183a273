import { describe, expect, it } from "vitest";
import { Dataset, poolValues } from "../../generators/core.ts";
import { createDataset, poolsFor } from "../../generators/index.ts";
import { tableDigests } from "../helpers/digests.ts";

describe("a World built over another World's shared tables", () => {
  it("gives byte-identical rows and uses the same memory (no copy)", () => {
    const a = createDataset({ scale: "tiny", seed: 21 });
    const state = a.world.share();
    for (const arr of [state.restCell, state.dishStart, state.groups.reviews.prefix]) {
      expect(arr.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    const b = new Dataset(a.config, poolValues(poolsFor(21)), structuredClone(state));
    expect(tableDigests(b)).toEqual(tableDigests(a));
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

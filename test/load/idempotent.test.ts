import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { load } from "../../load/index.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { checksums, expectedCounts, rowCounts, withPg } from "./support.ts";

describe("loading again replaces, never duplicates", () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("load_idempotent");
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  const quiet = { only: "pg" as const, progressOut: null };

  it("the same scale and seed: skipped, then reloaded to identical rows; another seed replaces", async () => {
    const first = await load({ scale: "tiny", seed: 3, endpoints: s, ...quiet });
    expect(first.pg.action).toBe("loaded");
    const [counts1, sums1] = await withPg(s.pg, async (c) => [
      await rowCounts(c),
      await checksums(c),
    ]);
    expect(counts1).toEqual(expectedCounts("tiny", 3));

    const again = await load({ scale: "tiny", seed: 3, endpoints: s, ...quiet });
    expect(again.pg.action).toBe("skipped");
    expect(again.pg.before).toBe("tiny seed 3 complete");

    const reloaded = await load({ scale: "tiny", seed: 3, reload: true, endpoints: s, ...quiet });
    expect(reloaded.pg.action).toBe("loaded");
    const [counts2, sums2] = await withPg(s.pg, async (c) => [
      await rowCounts(c),
      await checksums(c),
    ]);
    expect(counts2).toEqual(counts1);
    expect(sums2).toEqual(sums1);

    const other = await load({ scale: "tiny", seed: 4, endpoints: s, ...quiet });
    expect(other.pg.action).toBe("loaded");
    expect(other.pg.before).toBe("tiny seed 3 complete");
    const [counts3, sums3] = await withPg(s.pg, async (c) => [
      await rowCounts(c),
      await checksums(c),
    ]);
    expect(counts3).toEqual(expectedCounts("tiny", 4));
    expect(sums3.users).not.toBe(sums1.users);
  });
});

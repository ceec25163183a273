import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { load, loadStatus } from "../../load/index.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { expectedCounts, rowCounts, withPg } from "./support.ts";

describe("an interrupted load", () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("load_interrupted");
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("is reported incomplete by load status and redone by the next load", async () => {
    const ac = new AbortController();
    const attempt = load({
      scale: "tiny",
      seed: 5,
      only: "pg",
      endpoints: s,
      progressOut: null,
      signal: ac.signal,
      // abort once the first rows of a child table are on their way
      onProgress: (e) => {
        if (e.name === "dish_rankings" && e.done > 0) ac.abort(new Error("test abort"));
      },
    });
    await expect(attempt).rejects.toThrow(/test abort/);

    // the database holds a partial load: some rows, not all
    const partial = await withPg(s.pg, rowCounts);
    expect(Object.values(partial).some((n) => n > 0)).toBe(true);
    expect(partial).not.toEqual(expectedCounts("tiny", 5));

    const status = await loadStatus(s, false);
    expect(status.pg.load?.status).toBe("loading");
    expect(status.pg.load?.scale).toBe("tiny");
    expect(status.pg.load?.seed).toBe(5);
    expect(status.pg.loadRunning).toBe(false);

    const lines: string[] = [];
    const redo = await load({
      scale: "tiny",
      seed: 5,
      only: "pg",
      endpoints: s,
      progressOut: null,
      log: (l) => lines.push(l),
    });
    expect(redo.pg.action).toBe("loaded");
    expect(redo.pg.before).toBe("tiny seed 5 interrupted");
    expect(lines.join("\n")).toMatch(/did not finish; loading again/);
    await withPg(s.pg, async (c) => {
      expect(await rowCounts(c)).toEqual(expectedCounts("tiny", 5));
    });
    expect((await loadStatus(s, false)).pg.load?.status).toBe("complete");
  });
});

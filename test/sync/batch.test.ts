import { describe, expect, it } from "vitest";
import { Batcher } from "../../sync/batch.ts";

/** A fetch that answers when told to, recording the keys of each call. */
function gated() {
  const calls: string[][] = [];
  const open: (() => void)[] = [];
  const fetch = (keys: string[]) => {
    calls.push([...keys].sort());
    return new Promise<Map<string, string>>((resolve) =>
      open.push(() => resolve(new Map(keys.map((k) => [k, k.toUpperCase()])))),
    );
  };
  return { calls, fetch, release: () => open.shift()?.() };
}

/** the end of this turn of the event loop (and of the promise callbacks it queued) */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("Batcher", () => {
  it("sends the requests of one turn together, at its end", async () => {
    const g = gated();
    const b = new Batcher(g.fetch);
    const one = b.get(["a"]);
    const two = b.get(["b", "a"]);
    expect(g.calls).toEqual([]);
    await turn();
    expect(g.calls).toEqual([["a", "b"]]);
    g.release();
    const [m1, m2] = await Promise.all([one, two]);
    expect([m1.get("a"), m2.get("b")]).toEqual(["A", "B"]);
    expect([b.queries, b.requests]).toEqual([1, 2]);
  });

  it("holds the requests arriving while a query is in flight for the next one", async () => {
    const g = gated();
    const b = new Batcher(g.fetch);
    const first = b.get(["a"]);
    await turn();
    const second = b.get(["b", "c"]);
    await turn();
    const third = b.get(["c", "d"]);
    await turn();
    expect(g.calls).toEqual([["a"]]);
    g.release();
    expect((await first).get("a")).toBe("A");
    await turn();
    expect(g.calls).toEqual([["a"], ["b", "c", "d"]]);
    g.release();
    const [m2, m3] = await Promise.all([second, third]);
    expect([m2.get("b"), m2.get("c"), m3.get("d")]).toEqual(["B", "C", "D"]);
  });

  it("keeps a batch under maxKeys (a request is never split)", async () => {
    const g = gated();
    const b = new Batcher(g.fetch, 1, 3);
    void b.get(["x"]);
    await turn();
    const rest = [b.get(["a", "b"]), b.get(["c", "d"]), b.get(["e"])];
    await turn();
    g.release();
    await turn();
    expect(g.calls[1]).toEqual(["a", "b", "c", "d"]);
    g.release();
    await turn();
    expect(g.calls[2]).toEqual(["e"]);
    g.release();
    await Promise.all(rest);
  });

  it("rejects every request of a failed batch and goes on with the next", async () => {
    let n = 0;
    const b = new Batcher<string, string>(async (keys) => {
      n++;
      if (n === 1) throw new Error("server gone");
      return new Map(keys.map((k) => [k, k]));
    });
    await expect(b.get(["a"])).rejects.toThrow("server gone");
    expect((await b.get(["b"])).get("b")).toBe("b");
  });
});

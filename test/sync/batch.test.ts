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

describe("Batcher", () => {
  it("sends a lone request at once and coalesces those arriving while the lanes are busy", async () => {
    const g = gated();
    const b = new Batcher(g.fetch, 1);
    const first = b.get(["a"]);
    expect(g.calls).toEqual([["a"]]);
    const second = b.get(["b", "c"]);
    const third = b.get(["c", "d"]);
    expect(g.calls).toHaveLength(1);
    g.release();
    expect((await first).get("a")).toBe("A");
    await Promise.resolve();
    expect(g.calls).toEqual([["a"], ["b", "c", "d"]]);
    g.release();
    const [m2, m3] = await Promise.all([second, third]);
    expect([m2.get("b"), m2.get("c"), m3.get("d")]).toEqual(["B", "C", "D"]);
  });

  it("keeps a batch under maxKeys (a request is never split)", async () => {
    const g = gated();
    const b = new Batcher(g.fetch, 1, 3);
    void b.get(["x"]);
    const rest = [b.get(["a", "b"]), b.get(["c", "d"]), b.get(["e"])];
    g.release();
    await Promise.resolve();
    await Promise.resolve();
    expect(g.calls[1]).toEqual(["a", "b", "c", "d"]);
    g.release();
    await Promise.resolve();
    await Promise.resolve();
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
    }, 1);
    await expect(b.get(["a"])).rejects.toThrow("server gone");
    expect((await b.get(["b"])).get("b")).toBe("b");
  });
});

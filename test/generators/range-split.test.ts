import { describe, expect, it } from "vitest";
import { createDataset, GeneratorPool, TABLES } from "../../generators/index.ts";

const ds = createDataset({ scale: "tiny", seed: 21 });

function bytesOf(
  t: (typeof TABLES)[number],
  from: number,
  to: number,
  chunkBytes?: number,
): Buffer {
  return Buffer.concat([...ds.table(t).chunks(from, to, chunkBytes)]);
}

describe("range splitting", () => {
  it("any split into ranges gives the same bytes as one pass, for every table", () => {
    for (const t of TABLES) {
      const n = ds.count(t);
      const whole = bytesOf(t, 0, n);
      const cuts = [0, 1, Math.floor(n / 7), Math.floor(n / 2), n - 1, n]
        .filter((c) => c >= 0 && c <= n)
        .sort((a, b) => a - b);
      const parts: Buffer[] = [];
      for (let k = 0; k + 1 < cuts.length; k++) parts.push(bytesOf(t, cuts[k], cuts[k + 1], 4096));
      expect(Buffer.concat(parts).equals(whole), t).toBe(true);
    }
  });

  it("chunks end at row boundaries and stay near the requested size", () => {
    const chunks = [...ds.table("follows").chunks(0, ds.count("follows"), 16 * 1024)];
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c[c.length - 1]).toBe(0x0a);
      expect(c.length).toBeLessThan(16 * 1024 + 1024);
    }
  });

  it("worker threads stream the same bytes in row order", async () => {
    const pool = new GeneratorPool(ds.config, { workers: 2 });
    try {
      for (const t of ["users", "dish_rankings", "user_activity_points", "comments"] as const) {
        const parts: Buffer[] = [];
        for await (const b of pool.stream(t, { rowsPerJob: 257, jobsAhead: 3 })) parts.push(b);
        expect(Buffer.concat(parts).equals(bytesOf(t, 0, ds.count(t))), t).toBe(true);
      }
      // a sub-range, and two streams at once
      const [a, b] = await Promise.all([
        collect(pool.stream("follows", { from: 100, to: 3000, rowsPerJob: 500 })),
        collect(pool.stream("reviews", { rowsPerJob: 100 })),
      ]);
      expect(a.equals(bytesOf("follows", 100, 3000))).toBe(true);
      expect(b.equals(bytesOf("reviews", 0, ds.count("reviews")))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("a range outside the table is refused", () => {
    const g = ds.table("users");
    expect(() => g.row(g.count())).toThrow(/outside/);
    expect(() => [...g.chunks(5, 2)]).toThrow(/outside/);
  });
});

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of it) parts.push(b);
  return Buffer.concat(parts);
}

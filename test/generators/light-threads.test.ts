import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  Dataset,
  estimateSizes,
  loadPoolValues,
  poolValues,
  resolveScale,
} from "../../generators/core.ts";
import { createDataset, poolsFor } from "../../generators/index.ts";

function digest(ds: Dataset): string {
  const h = createHash("sha256");
  for (const t of ["users", "restaurants", "dishes", "reviews", "comments"] as const) {
    for (const b of ds.table(t).chunks()) h.update(b);
  }
  return h.digest("hex");
}

describe("faker-free threads", () => {
  it("pools built in a throwaway thread equal the main thread's, and give the same data", async () => {
    const values = await loadPoolValues(13);
    expect(values).toEqual(poolValues(poolsFor(13)));
    const light = new Dataset(resolveScale({ scale: "tiny", seed: 13 }), values);
    expect(digest(light)).toBe(digest(createDataset({ scale: "tiny", seed: 13 })));
  });

  it("a Dataset without pools still counts rows and derives ids (rows need pools)", () => {
    const ds = new Dataset(resolveScale({ scale: "tiny", seed: 13 }));
    expect(ds.count("follows")).toBe(createDataset({ scale: "tiny", seed: 13 }).count("follows"));
  });

  it("size estimates follow the generated COPY text", () => {
    const ds = createDataset({ scale: "tiny", seed: 2 });
    for (const s of estimateSizes(ds, 500)) {
      const g = ds.table(s.table);
      let bytes = 0;
      g.copy(0, g.count(), (b) => {
        bytes += b.length;
      });
      const actual = bytes / g.count();
      expect(s.rows).toBe(g.count());
      expect(Math.abs(s.copyBytesPerRow - actual) / actual, s.table).toBeLessThan(0.15);
      expect(s.heapBytesPerRow).toBeGreaterThan(28);
      expect(s.diskBytes).toBeGreaterThan(s.rows * s.heapBytesPerRow);
    }
  });
});

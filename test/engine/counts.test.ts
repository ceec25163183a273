import { describe, expect, it } from "vitest";
import { createHistogram, encodeHistogram, recordUs } from "../../core/histogram.ts";
import { createRng } from "../../core/rng.ts";
import { Counts } from "../../engine/counts.ts";

describe("the engine's fast bucket counts", () => {
  it("produce the same histogram as hdr-histogram-js recording the same values", () => {
    for (const digits of [2, 3] as const) {
      const rng = createRng(99);
      const counts = new Counts(digits);
      const hdr = createHistogram(digits);
      const values = [0.2, 1, 3_600_000_000, 7e9];
      for (let i = 0; i < 100_000; i++) values.push(rng.next() ** 4 * 5_000_000);
      for (const v of values) {
        counts.record(v);
        recordUs(hdr, v);
      }
      const mine = counts.toHistogram();
      expect(encodeHistogram(mine)).toBe(encodeHistogram(hdr));
      expect(mine.totalCount).toBe(values.length);
      expect(mine.maxValue).toBe(hdr.maxValue);
      expect(mine.minNonZeroValue).toBe(hdr.minNonZeroValue);
      for (const p of [50, 90, 99, 99.9, 99.99]) {
        expect(mine.getValueAtPercentile(p)).toBe(hdr.getValueAtPercentile(p));
      }
      expect(mine.mean).toBeCloseTo(hdr.mean, 6);
    }
  });
});

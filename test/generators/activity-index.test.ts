import { describe, expect, it } from "vitest";
import { Dataset, resolveScale } from "../../generators/core.ts";

describe("the activity index", () => {
  it("starts each user's activity rows where counting every user's activities does", () => {
    const w = new Dataset(resolveScale({ scale: "tiny", seed: 3 })).world;
    let start = 0;
    for (let u = 0; u < w.users; u++) {
      expect(w.activityIndex.startOf(u), `user ${u}`).toBe(start);
      start += w.activityCount(u);
    }
    expect(w.activityIndex.total).toBe(start);
  });
});

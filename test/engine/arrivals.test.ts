import { describe, expect, it } from "vitest";
import { ArrivalSchedule } from "../../engine/models/arrivals.ts";
import { rampingSegments } from "../../engine/models/ramping.ts";

function arrivalsBefore(s: ArrivalSchedule, endUs: number): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const t = s.offsetUs(k);
    if (t >= endUs) return out;
    out.push(t);
  }
}

describe("open-model arrival schedule", () => {
  it("places constant-rate arrivals at k/rate without drift", () => {
    const s = new ArrivalSchedule([{ durationS: 3600, from: 1000, to: 1000 }]);
    expect(s.offsetUs(0)).toBe(0);
    expect(s.offsetUs(1)).toBeCloseTo(1000, 6);
    expect(s.offsetUs(3_000_000)).toBeCloseTo(3_000_000_000, 0);
  });

  it("integrates a ramp exactly: 0 to 100/s over 10 s gives 500 arrivals, then 20 s at 100/s gives 2000", () => {
    const segments = rampingSegments(
      {
        type: "ramping",
        startRate: 0,
        maxInFlight: 10,
        stages: [
          { durationMs: 10_000, target: 100 },
          { durationMs: 20_000, target: 100 },
        ],
      },
      0,
    );
    const all = arrivalsBefore(new ArrivalSchedule(segments), 30e6);
    expect(all.length).toBe(2500);
    expect(all.filter((t) => t < 10e6).length).toBe(500);
    // the rate rises: the second half of the ramp holds three times the first half's arrivals
    expect(all.filter((t) => t < 5e6).length).toBe(125);
  });

  it("interleaves worker shares (rate/N, phase i/N) into exactly the single schedule", () => {
    const single = arrivalsBefore(new ArrivalSchedule([{ durationS: 2, from: 300, to: 900 }]), 2e6);
    const merged = [0, 1, 2]
      .flatMap((i) =>
        arrivalsBefore(new ArrivalSchedule([{ durationS: 2, from: 100, to: 300 }], i / 3), 2e6),
      )
      .sort((a, b) => a - b);
    expect(merged.length).toBe(single.length);
    for (let i = 0; i < merged.length; i++) expect(merged[i]).toBeCloseTo(single[i], 3);
  });
});

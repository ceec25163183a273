import { describe, expect, it } from "vitest";
import { CITIES, createDataset } from "../../generators/index.ts";
import { CITY_LABELS } from "../../generators/tables/common.ts";

// the default benchmark scale: the shares below are what benchmarks run against
const ds = createDataset({ scale: "small", seed: 4 });

function topShare(counts: Map<string, number>, population: number, fraction: number): number {
  const sorted = [...counts.values()].sort((a, b) => b - a);
  const k = Math.max(1, Math.round(population * fraction));
  const total = sorted.reduce((a, b) => a + b, 0);
  return sorted.slice(0, k).reduce((a, b) => a + b, 0) / total;
}

function countBy<T>(rows: Iterable<T>, key: (r: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return m;
}

describe("distribution shape", () => {
  it("the most popular 1% of restaurants hold an outsized share of rankings", () => {
    const byRestaurant = countBy(ds.table("dish_rankings").rows(), (r) => r.restaurant_id);
    const share = topShare(byRestaurant, ds.config.restaurants, 0.01);
    expect(share).toBeGreaterThan(0.1);
  });

  it("follower counts are heavy-tailed: a few users are followed by many", () => {
    const followers = countBy(ds.table("follows").rows(), (f) => f.followed_id);
    const counts = [...followers.values()].sort((a, b) => a - b);
    const median = counts[Math.floor(counts.length / 2)];
    expect(counts[counts.length - 1]).toBeGreaterThan(20 * median);
    expect(topShare(followers, ds.config.users, 0.01)).toBeGreaterThan(0.1);
  });

  it("heavy and light users: the top 10% of users make a large share of rankings, many make few", () => {
    const byUser = countBy(ds.table("dish_rankings").rows(), (r) => r.user_id);
    expect(topShare(byUser, ds.config.users, 0.1)).toBeGreaterThan(0.35);
    const light = ds.config.users - [...byUser.values()].filter((n) => n > 5).length;
    expect(light / ds.config.users).toBeGreaterThan(0.3);
  });

  it("users and restaurants follow city population", () => {
    const byCity = countBy(ds.table("users").rows(), (u) => u.location);
    const big = CITY_LABELS[CITIES.findIndex((c) => c.name === "Shanghai")];
    const small = CITY_LABELS[CITIES.findIndex((c) => c.name === "Edinburgh")];
    expect(byCity.get(big) ?? 0).toBeGreaterThan(10 * (byCity.get(small) ?? 0));
    for (const r of ds.table("restaurants").rows()) {
      const c = CITIES.find((x) => x.name === r.city)!;
      const km = Math.hypot(
        (r.latitude - c.latitude) * 111.32,
        (r.longitude - c.longitude) * 111.32 * Math.cos((c.latitude * Math.PI) / 180),
      );
      expect(km).toBeLessThanOrEqual(c.radiusKm + 0.01);
    }
  });

  it("activity has a daily cycle in local time: lunch and dinner hours are busy, 3-5 am quiet", () => {
    const offset = new Map(CITIES.map((c, i) => [CITY_LABELS[i], Math.round(c.longitude / 15)]));
    const userOffset = new Map<string, number>();
    for (const u of ds.table("users").rows()) userOffset.set(u.user_id, offset.get(u.location)!);
    const hours = new Array(24).fill(0);
    for (const r of ds.table("dish_rankings").rows()) {
      const local = (new Date(r.created_at).getUTCHours() + userOffset.get(r.user_id)! + 48) % 24;
      hours[local]++;
    }
    const night = hours[3] + hours[4];
    const meals = hours[12] + hours[19];
    expect(meals).toBeGreaterThan(8 * night);
  });

  it("sign-ups grow over the window: the last quarter has more than the first", () => {
    const start = ds.world.clock.startMs;
    const span = ds.world.clock.endMs - start;
    let first = 0;
    let last = 0;
    for (const u of ds.table("users").rows()) {
      const f = (u.created_at - start) / span;
      if (f < 0.25) first++;
      else if (f >= 0.75) last++;
    }
    expect(last).toBeGreaterThan(2 * first);
  });
});

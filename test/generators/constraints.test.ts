import { describe, expect, it } from "vitest";
import { CAREER_LEVELS, POINTS } from "../../generators/index.ts";
import { allRows } from "./tiny-rows.ts";

const rows = allRows({ scale: "tiny", seed: 11 });
const ids = <T>(list: T[], key: keyof T) => new Set(list.map((r) => r[key] as unknown as string));

function expectUnique(values: unknown[], what: string): void {
  expect(new Set(values).size, what).toBe(values.length);
}

describe("constraints hold by construction (tiny, in memory)", () => {
  it("every primary key is unique", () => {
    expectUnique(
      rows.users.map((r) => r.user_id),
      "users",
    );
    expectUnique(
      rows.restaurants.map((r) => r.restaurant_id),
      "restaurants",
    );
    expectUnique(
      rows.dishes.map((r) => r.dish_id),
      "dishes",
    );
    expectUnique(
      rows.dish_rankings.map((r) => r.ranking_id),
      "dish_rankings",
    );
    expectUnique(
      rows.user_badges.map((r) => r.user_badge_id),
      "user_badges",
    );
    expectUnique(
      rows.user_activity_points.map((r) => r.activity_id),
      "activity",
    );
    expectUnique(
      rows.follows.map((r) => r.follow_id),
      "follows",
    );
    expectUnique(
      rows.reviews.map((r) => r.review_id),
      "reviews",
    );
    expectUnique(
      rows.comments.map((r) => r.comment_id),
      "comments",
    );
    expect(rows.career_levels.map((r) => r.career_level_id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows.badges.map((r) => r.badge_id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it("emails and usernames are unique and fit their columns", () => {
    expectUnique(
      rows.users.map((r) => r.email),
      "email",
    );
    expectUnique(
      rows.users.map((r) => r.username),
      "username",
    );
    for (const u of rows.users) {
      expect(u.email).toMatch(/^[a-z._]+\d+@[a-z0-9.-]+\.[a-z]+$/);
      expect(u.username.length).toBeLessThanOrEqual(50);
      expect(u.email.length).toBeLessThanOrEqual(255);
      expect((u.display_name ?? "").length).toBeLessThanOrEqual(100);
      expect(u.location.length).toBeLessThanOrEqual(100);
    }
  });

  it("UNIQUE(user_id, dish_type, restaurant_id, rank) holds and each user's list per dish type ranks 1..n", () => {
    expectUnique(
      rows.dish_rankings.map((r) => `${r.user_id}|${r.dish_type}|${r.restaurant_id}|${r.rank}`),
      "ranking key",
    );
    const lists = new Map<string, number[]>();
    for (const r of rows.dish_rankings) {
      const k = `${r.user_id}|${r.dish_type}`;
      lists.set(k, [...(lists.get(k) ?? []), r.rank]);
    }
    for (const ranks of lists.values()) {
      expect(ranks.sort((a, b) => a - b)).toEqual(ranks.map((_, i) => i + 1));
    }
  });

  it("a ranking's dish_type and restaurant_id are its dish's", () => {
    const dishes = new Map(rows.dishes.map((d) => [d.dish_id, d]));
    for (const r of rows.dish_rankings) {
      const d = dishes.get(r.dish_id);
      expect(d, r.dish_id).toBeDefined();
      expect(r.dish_type).toBe(d!.dish_type);
      expect(r.restaurant_id).toBe(d!.restaurant_id);
    }
  });

  it("no self-follows and no duplicate follows", () => {
    for (const f of rows.follows) expect(f.follower_id).not.toBe(f.followed_id);
    expectUnique(
      rows.follows.map((f) => `${f.follower_id}|${f.followed_id}`),
      "follow pair",
    );
  });

  it("every foreign key points at an existing row", () => {
    const users = ids(rows.users, "user_id");
    const restaurants = ids(rows.restaurants, "restaurant_id");
    const dishes = ids(rows.dishes, "dish_id");
    const reviews = ids(rows.reviews, "review_id");
    const levels = new Set(rows.career_levels.map((r) => r.career_level_id));
    const badges = new Set(rows.badges.map((r) => r.badge_id));
    for (const u of rows.users) expect(levels.has(u.career_level_id)).toBe(true);
    for (const d of rows.dishes) expect(restaurants.has(d.restaurant_id)).toBe(true);
    for (const r of rows.dish_rankings) {
      expect(users.has(r.user_id)).toBe(true);
      expect(dishes.has(r.dish_id)).toBe(true);
      expect(restaurants.has(r.restaurant_id)).toBe(true);
    }
    for (const b of rows.user_badges) {
      expect(users.has(b.user_id)).toBe(true);
      expect(badges.has(b.badge_id)).toBe(true);
    }
    for (const f of rows.follows) {
      expect(users.has(f.follower_id)).toBe(true);
      expect(users.has(f.followed_id)).toBe(true);
    }
    for (const r of rows.reviews) {
      expect(users.has(r.user_id)).toBe(true);
      expect(dishes.has(r.dish_id)).toBe(true);
    }
    for (const c of rows.comments) {
      expect(users.has(c.user_id)).toBe(true);
      expect(reviews.has(c.review_id)).toBe(true);
    }
    const sources: Record<string, Set<string>> = {
      dish_ranking: ids(rows.dish_rankings, "ranking_id"),
      review: reviews,
      comment: ids(rows.comments, "comment_id"),
      badge_earned: ids(rows.user_badges, "user_badge_id"),
    };
    for (const a of rows.user_activity_points) {
      expect(users.has(a.user_id)).toBe(true);
      expect(sources[a.activity_type].has(a.reference_id), a.activity_type).toBe(true);
    }
  });

  it("activity rows match their source rows, and points decide the career level", () => {
    const byId = new Map<string, { user: string; at: number }>();
    for (const r of rows.dish_rankings)
      byId.set(r.ranking_id, { user: r.user_id, at: r.created_at });
    for (const r of rows.reviews) byId.set(r.review_id, { user: r.user_id, at: r.created_at });
    for (const r of rows.comments) byId.set(r.comment_id, { user: r.user_id, at: r.created_at });
    for (const r of rows.user_badges)
      byId.set(r.user_badge_id, { user: r.user_id, at: r.awarded_at });
    const points = new Map<string, number>();
    for (const a of rows.user_activity_points) {
      const src = byId.get(a.reference_id)!;
      expect(src.user).toBe(a.user_id);
      expect(a.awarded_at).toBe(src.at);
      expect(a.points).toBe(POINTS[a.activity_type]);
      points.set(a.user_id, (points.get(a.user_id) ?? 0) + a.points);
    }
    expect(rows.user_activity_points.length).toBe(
      rows.dish_rankings.length +
        rows.reviews.length +
        rows.comments.length +
        rows.user_badges.length,
    );
    for (const u of rows.users) {
      const p = points.get(u.user_id) ?? 0;
      let level = 0;
      CAREER_LEVELS.forEach((l, i) => {
        if (p >= l.required_points) level = i + 1;
      });
      expect(u.career_level_id, u.username).toBe(level);
    }
  });

  it("times fall in the window and follow causality", () => {
    const start = Date.parse("2024-01-01T00:00:00Z");
    const end = Date.parse("2026-01-01T00:00:00Z");
    const users = new Map(rows.users.map((u) => [u.user_id, u.created_at]));
    const reviews = new Map(rows.reviews.map((r) => [r.review_id, r.created_at]));
    for (const u of rows.users) {
      expect(u.created_at).toBeGreaterThanOrEqual(start);
      expect(u.created_at).toBeLessThan(end);
      expect(u.updated_at).toBeGreaterThanOrEqual(u.created_at);
    }
    for (const r of rows.dish_rankings) {
      expect(r.created_at).toBeGreaterThanOrEqual(users.get(r.user_id)!);
      expect(r.created_at).toBeLessThan(end);
    }
    for (const f of rows.follows) {
      expect(f.created_at).toBeGreaterThanOrEqual(users.get(f.follower_id)!);
      expect(f.created_at).toBeGreaterThanOrEqual(users.get(f.followed_id)!);
    }
    for (const c of rows.comments) {
      expect(c.created_at).toBeGreaterThanOrEqual(reviews.get(c.review_id)!);
      expect(c.created_at).toBeLessThan(end);
    }
  });

  it("restaurants sit inside their city with valid price ranges and hours", () => {
    for (const r of rows.restaurants) {
      expect(r.price_range).toBeGreaterThanOrEqual(1);
      expect(r.price_range).toBeLessThanOrEqual(4);
      expect(Math.abs(r.latitude)).toBeLessThan(90);
      expect(r.cuisine_type.length).toBeGreaterThanOrEqual(1);
      if (r.hours !== null) expect(Object.keys(JSON.parse(r.hours))).toHaveLength(7);
      expect(r.phone.length).toBeLessThanOrEqual(20);
      expect(r.postal_code.length).toBeLessThanOrEqual(20);
    }
  });
});

import { describe, expect, it } from "vitest";
import { withSchemaDb } from "../helpers/schema-db.ts";

/**
 * The design's PRIMARY KEY, UNIQUE, CHECK and FOREIGN KEY constraints, written
 * out by hand (names are PostgreSQL's defaults for the design's inline clauses).
 */
const pk = (t: string, c: string): [string, string, string] => [
  t,
  `${t}_pkey`,
  `PRIMARY KEY (${c})`,
];
const fk = (t: string, c: string, rt: string, rc: string): [string, string, string] => [
  t,
  `${t}_${c}_fkey`,
  `FOREIGN KEY (${c}) REFERENCES ${rt}(${rc})`,
];
const EXPECTED: [string, string, string][] = [
  pk("users", "user_id"),
  pk("restaurants", "restaurant_id"),
  pk("dishes", "dish_id"),
  pk("dish_rankings", "ranking_id"),
  pk("career_levels", "career_level_id"),
  pk("badges", "badge_id"),
  pk("user_badges", "user_badge_id"),
  pk("user_activity_points", "activity_id"),
  pk("follows", "follow_id"),
  pk("reviews", "review_id"),
  pk("comments", "comment_id"),
  ["users", "users_email_key", "UNIQUE (email)"],
  ["users", "users_username_key", "UNIQUE (username)"],
  [
    "dish_rankings",
    "dish_rankings_user_id_dish_type_restaurant_id_rank_key",
    "UNIQUE (user_id, dish_type, restaurant_id, rank)",
  ],
  ["follows", "follows_follower_id_followed_id_key", "UNIQUE (follower_id, followed_id)"],
  [
    "restaurants",
    "restaurants_price_range_check",
    "CHECK (((price_range >= 1) AND (price_range <= 4)))",
  ],
  ["dish_rankings", "dish_rankings_rank_check", "CHECK ((rank > 0))"],
  fk("users", "career_level_id", "career_levels", "career_level_id"),
  fk("dishes", "restaurant_id", "restaurants", "restaurant_id"),
  fk("dish_rankings", "user_id", "users", "user_id"),
  fk("dish_rankings", "dish_id", "dishes", "dish_id"),
  fk("dish_rankings", "restaurant_id", "restaurants", "restaurant_id"),
  fk("user_badges", "user_id", "users", "user_id"),
  fk("user_badges", "badge_id", "badges", "badge_id"),
  fk("user_activity_points", "user_id", "users", "user_id"),
  fk("follows", "follower_id", "users", "user_id"),
  fk("follows", "followed_id", "users", "user_id"),
  fk("reviews", "user_id", "users", "user_id"),
  fk("reviews", "dish_id", "dishes", "dish_id"),
  fk("comments", "user_id", "users", "user_id"),
  fk("comments", "review_id", "reviews", "review_id"),
];

/** The design's 12 indexes as pg_indexes spells them. */
const SEED_INDEXES: [string, string][] = [
  ["idx_users_username", "CREATE INDEX idx_users_username ON public.users USING btree (username)"],
  [
    "idx_users_career_level",
    "CREATE INDEX idx_users_career_level ON public.users USING btree (career_level_id)",
  ],
  [
    "idx_restaurants_location",
    "CREATE INDEX idx_restaurants_location ON public.restaurants USING btree (city, state, country)",
  ],
  [
    "idx_restaurants_cuisine",
    "CREATE INDEX idx_restaurants_cuisine ON public.restaurants USING gin (cuisine_type)",
  ],
  [
    "idx_restaurants_geo",
    "CREATE INDEX idx_restaurants_geo ON public.restaurants USING btree (latitude, longitude)",
  ],
  [
    "idx_dishes_restaurant",
    "CREATE INDEX idx_dishes_restaurant ON public.dishes USING btree (restaurant_id)",
  ],
  ["idx_dishes_type", "CREATE INDEX idx_dishes_type ON public.dishes USING btree (dish_type)"],
  ["idx_dishes_tags", "CREATE INDEX idx_dishes_tags ON public.dishes USING gin (tags)"],
  [
    "idx_rankings_user",
    "CREATE INDEX idx_rankings_user ON public.dish_rankings USING btree (user_id)",
  ],
  [
    "idx_rankings_dish",
    "CREATE INDEX idx_rankings_dish ON public.dish_rankings USING btree (dish_id)",
  ],
  [
    "idx_rankings_user_dish_type",
    "CREATE INDEX idx_rankings_user_dish_type ON public.dish_rankings USING btree (user_id, dish_type)",
  ],
  [
    "idx_rankings_restaurant_dish_type",
    "CREATE INDEX idx_rankings_restaurant_dish_type ON public.dish_rankings USING btree (restaurant_id, dish_type)",
  ],
];

const DESIGN_TABLES = [...new Set(EXPECTED.map((e) => e[0]))];

const db = withSchemaDb("schema-constraints");

describe("PostgreSQL constraints and the seed index set", () => {
  it("has exactly the design's PRIMARY KEY, UNIQUE, CHECK and FOREIGN KEY constraints", async () => {
    const res = await db.client.query(
      `SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c
        WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'c', 'f')
          AND c.conrelid::regclass::text = ANY($1)`,
      [DESIGN_TABLES],
    );
    const live = res.rows.map((r) => [r.table_name, r.conname, r.def]);
    const key = (a: string[]) => a.join(" | ");
    expect(live.map(key).sort()).toEqual(EXPECTED.map(key).sort());
  });

  it("applies exactly the design's 12 indexes as the seed set, beside the constraints' own", async () => {
    const res = await db.client.query(
      `SELECT i.indexname, i.indexdef
         FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                           WHERE c.conindid = format('public.%I', i.indexname)::regclass)`,
      [DESIGN_TABLES],
    );
    const live = res.rows.map((r) => [r.indexname, r.indexdef]);
    expect(live.sort()).toEqual([...SEED_INDEXES].sort());
    const marker = await db.client.query("SELECT index_set FROM bellyfed_bench_marker");
    expect(marker.rows[0].index_set).toBe("seed");
  });
});

import { describe, expect, it } from "vitest";
import { withSchemaDb } from "../helpers/schema-db.ts";

/**
 * Every column of the design, written out by hand from
 * docs/bellyfed-database-architecture.md (not derived from our DDL):
 * [table, column, type as PostgreSQL names it, nullable, default].
 */
const TS = "timestamp without time zone";
const NOW = "CURRENT_TIMESTAMP";
const DESIGN: [string, string, string, "YES" | "NO", string | null][] = [
  ["users", "user_id", "uuid", "NO", null],
  ["users", "email", "character varying(255)", "NO", null],
  ["users", "username", "character varying(50)", "NO", null],
  ["users", "display_name", "character varying(100)", "YES", null],
  ["users", "password_hash", "character varying(255)", "NO", null],
  ["users", "profile_image_url", "character varying(255)", "YES", null],
  ["users", "bio", "text", "YES", null],
  ["users", "location", "character varying(100)", "YES", null],
  ["users", "career_level_id", "integer", "YES", null],
  ["users", "created_at", TS, "NO", NOW],
  ["users", "updated_at", TS, "NO", NOW],

  ["restaurants", "restaurant_id", "uuid", "NO", null],
  ["restaurants", "name", "character varying(255)", "NO", null],
  ["restaurants", "address", "text", "YES", null],
  ["restaurants", "city", "character varying(100)", "YES", null],
  ["restaurants", "state", "character varying(100)", "YES", null],
  ["restaurants", "country", "character varying(100)", "YES", null],
  ["restaurants", "postal_code", "character varying(20)", "YES", null],
  ["restaurants", "latitude", "numeric(10,8)", "YES", null],
  ["restaurants", "longitude", "numeric(11,8)", "YES", null],
  ["restaurants", "phone", "character varying(20)", "YES", null],
  ["restaurants", "website", "character varying(255)", "YES", null],
  ["restaurants", "hours", "jsonb", "YES", null],
  ["restaurants", "cuisine_type", "character varying(100)[]", "YES", null],
  ["restaurants", "price_range", "integer", "YES", null],
  ["restaurants", "created_at", TS, "NO", NOW],
  ["restaurants", "updated_at", TS, "NO", NOW],

  ["dishes", "dish_id", "uuid", "NO", null],
  ["dishes", "restaurant_id", "uuid", "YES", null],
  ["dishes", "name", "character varying(255)", "NO", null],
  ["dishes", "description", "text", "YES", null],
  ["dishes", "price", "numeric(10,2)", "YES", null],
  ["dishes", "image_url", "character varying(255)", "YES", null],
  ["dishes", "dish_type", "character varying(100)", "NO", null],
  ["dishes", "tags", "character varying(50)[]", "YES", null],
  ["dishes", "is_seasonal", "boolean", "YES", "false"],
  ["dishes", "is_available", "boolean", "YES", "true"],
  ["dishes", "created_at", TS, "NO", NOW],
  ["dishes", "updated_at", TS, "NO", NOW],

  ["dish_rankings", "ranking_id", "uuid", "NO", null],
  ["dish_rankings", "user_id", "uuid", "YES", null],
  ["dish_rankings", "dish_id", "uuid", "YES", null],
  ["dish_rankings", "dish_type", "character varying(100)", "NO", null],
  ["dish_rankings", "restaurant_id", "uuid", "YES", null],
  ["dish_rankings", "rank", "integer", "NO", null],
  ["dish_rankings", "notes", "text", "YES", null],
  ["dish_rankings", "photo_url", "character varying(255)", "YES", null],
  ["dish_rankings", "created_at", TS, "NO", NOW],
  ["dish_rankings", "updated_at", TS, "NO", NOW],

  [
    "career_levels",
    "career_level_id",
    "integer",
    "NO",
    "nextval('career_levels_career_level_id_seq'::regclass)",
  ],
  ["career_levels", "level_name", "character varying(100)", "NO", null],
  ["career_levels", "description", "text", "YES", null],
  ["career_levels", "required_points", "integer", "YES", null],
  ["career_levels", "required_badges", "character varying(50)[]", "YES", null],
  ["career_levels", "icon_url", "character varying(255)", "YES", null],
  ["career_levels", "benefits", "text[]", "YES", null],

  ["badges", "badge_id", "integer", "NO", "nextval('badges_badge_id_seq'::regclass)"],
  ["badges", "name", "character varying(100)", "NO", null],
  ["badges", "description", "text", "YES", null],
  ["badges", "category", "character varying(50)", "YES", null],
  ["badges", "requirements", "jsonb", "YES", null],
  ["badges", "icon_url", "character varying(255)", "YES", null],

  ["user_badges", "user_badge_id", "uuid", "NO", null],
  ["user_badges", "user_id", "uuid", "YES", null],
  ["user_badges", "badge_id", "integer", "YES", null],
  ["user_badges", "awarded_at", TS, "NO", NOW],
  ["user_badges", "progress", "jsonb", "YES", null],
  ["user_badges", "is_featured", "boolean", "YES", "false"],

  ["user_activity_points", "activity_id", "uuid", "NO", null],
  ["user_activity_points", "user_id", "uuid", "YES", null],
  ["user_activity_points", "activity_type", "character varying(50)", "NO", null],
  ["user_activity_points", "points", "integer", "NO", null],
  ["user_activity_points", "reference_id", "uuid", "YES", null],
  ["user_activity_points", "awarded_at", TS, "NO", NOW],
  ["user_activity_points", "description", "text", "YES", null],

  ["follows", "follow_id", "uuid", "NO", null],
  ["follows", "follower_id", "uuid", "YES", null],
  ["follows", "followed_id", "uuid", "YES", null],
  ["follows", "created_at", TS, "NO", NOW],

  ["reviews", "review_id", "uuid", "NO", null],
  ["reviews", "user_id", "uuid", "YES", null],
  ["reviews", "dish_id", "uuid", "YES", null],
  ["reviews", "content", "text", "YES", null],
  ["reviews", "photos", "character varying(255)[]", "YES", null],
  ["reviews", "created_at", TS, "NO", NOW],
  ["reviews", "updated_at", TS, "NO", NOW],

  ["comments", "comment_id", "uuid", "NO", null],
  ["comments", "user_id", "uuid", "YES", null],
  ["comments", "review_id", "uuid", "YES", null],
  ["comments", "content", "text", "NO", null],
  ["comments", "created_at", TS, "NO", NOW],
  ["comments", "updated_at", TS, "NO", NOW],
];

const DESIGN_TABLES = [...new Set(DESIGN.map((d) => d[0]))];

const db = withSchemaDb("schema-columns");

describe("PostgreSQL columns", () => {
  it("creates exactly the design's 11 tables (plus the marker), each column in the design's order", async () => {
    const res = await db.client.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    const tables = [...new Set(res.rows.map((r) => r.table_name))].sort();
    expect(tables).toEqual([...DESIGN_TABLES, "bellyfed_bench_marker"].sort());
    for (const table of DESIGN_TABLES) {
      const live = res.rows.filter((r) => r.table_name === table).map((r) => r.column_name);
      expect(live, table).toEqual(DESIGN.filter((d) => d[0] === table).map((d) => d[1]));
    }
  });

  it("gives every column the design's type, length, precision, nullability and default", async () => {
    const res = await db.client.query(
      `SELECT c.table_name, c.column_name, c.data_type, c.character_maximum_length,
              c.numeric_precision, c.numeric_scale, c.is_nullable, c.column_default,
              format_type(a.atttypid, a.atttypmod) AS full_type
         FROM information_schema.columns c
         JOIN pg_attribute a ON a.attrelid = format('public.%I', c.table_name)::regclass
                            AND a.attname = c.column_name
        WHERE c.table_schema = 'public' AND c.table_name = ANY($1)`,
      [DESIGN_TABLES],
    );
    const live = new Map(res.rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    expect(live.size).toBe(DESIGN.length);
    for (const [table, column, type, nullable, def] of DESIGN) {
      const r = live.get(`${table}.${column}`);
      const where = `${table}.${column}`;
      expect(r, where).toBeDefined();
      expect(r.full_type, where).toBe(type);
      expect(r.is_nullable, where).toBe(nullable);
      expect(r.column_default, where).toBe(def);
      // information_schema's own length / precision / scale fields agree for scalar types
      const varchar = /^character varying\((\d+)\)$/.exec(type);
      const numeric = /^numeric\((\d+),(\d+)\)$/.exec(type);
      if (varchar) {
        expect(r.data_type, where).toBe("character varying");
        expect(r.character_maximum_length, where).toBe(Number(varchar[1]));
      } else if (numeric) {
        expect(r.data_type, where).toBe("numeric");
        expect([r.numeric_precision, r.numeric_scale], where).toEqual([
          Number(numeric[1]),
          Number(numeric[2]),
        ]);
      } else if (type.endsWith("[]")) {
        expect(r.data_type, where).toBe("ARRAY");
      } else {
        expect(r.data_type, where).toBe(type);
      }
    }
  });
});

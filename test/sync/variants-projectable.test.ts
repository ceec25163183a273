import pg from "pg";
import { expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { DESIGN_VARIANT, resolveVariant } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { popularityItems, projectable } from "../../sync/models.ts";
import { scratchStores } from "../helpers/stores.ts";

/**
 * The sync projects into the design and into influence-sharded (the same
 * items, the index key sharded); leaderboards keyed by entity it refuses in
 * one line naming the way back, before it writes anything.
 */
it("projects the sharded variant's index key and refuses entity-keyed leaderboards", async () => {
  const sharded = await resolveVariant("influence-sharded:4");
  expect(projectable(DESIGN_VARIANT, "")).toBe(DESIGN_VARIANT);
  expect(projectable(sharded, "")).toBe(sharded);
  const byEntity = await resolveVariant("leaderboards-by-entity");
  expect(() => projectable(byEntity, "t_")).toThrow(UsageError);
  expect(() => projectable(byEntity, "t_")).toThrow(/keyed by entity.*schema reset --only dynamo/);

  const s = await scratchStores("sync_variant_items");
  const c = new pg.Client(pgClientConfig(s.pg));
  await c.connect();
  try {
    await c.query("CREATE TABLE users (user_id uuid PRIMARY KEY, updated_at timestamptz)");
    await c.query(
      "CREATE TABLE follows (followed_id uuid, created_at timestamptz); CREATE TABLE dish_rankings (user_id uuid, created_at timestamptz); CREATE TABLE reviews (user_id uuid, created_at timestamptz)",
    );
    const id = "00000000-0000-4000-8000-000000000001";
    await c.query("INSERT INTO users VALUES ($1, '2026-01-01')", [id]);
    const [design] = await popularityItems(c, [id]);
    const [shard] = await popularityItems(c, [id], sharded);
    expect(design.popularity_partition).toEqual({ S: "ALL" });
    expect(shard.popularity_partition).toEqual({ S: sharded.influencePartition(id) });
    expect(shard.popularity_partition.S).toMatch(/^ALL#[0-3]$/);
  } finally {
    await c.end();
    await s.cleanup();
  }
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectorCore } from "../../sync/projector.ts";
import type { CommittedTx } from "../../sync/source.ts";
import { coreOnStores, type SyncStores } from "./support.ts";

/**
 * Trending counts the rankings of its last 30 days only: a change to a ranking
 * created before that window (of the last instant the projector used) touches
 * its restaurant's leaderboards, not its dish's trending group.
 */

let s: SyncStores;
let core: ProjectorCore;

beforeAll(async () => {
  ({ s, core } = await coreOnStores("sync_trending_window"));
}, 600_000);

afterAll(async () => {
  await core?.close();
  await s?.close();
});

const ranking = (row: Record<string, string>, position: bigint): CommittedTx => ({
  position,
  commitTime: new Date(),
  changes: [{ table: "dish_rankings", op: "update", row }],
});

describe("a ranking outside trending's window", () => {
  it("recomputes its restaurant's leaderboards and no trending group", async () => {
    const r = (
      await s.db.query(
        `SELECT dr.user_id::text, dr.dish_id::text, dr.restaurant_id::text
           FROM dish_rankings dr JOIN restaurants r USING (restaurant_id)
          WHERE r.city IS NOT NULL AND r.cuisine_type <> '{}' LIMIT 1`,
      )
    ).rows[0];
    const row = (createdAt: string) => ({ ...r, created_at: createdAt });
    // a ranking of now: its trending group too (and the instant it is computed as of)
    const fresh = await core.plan(ranking(row("2026-01-01 00:00:05"), 100n));
    expect(fresh.keys.some((k) => k.startsWith("t\u0000"))).toBe(true);
    expect(fresh.keys.some((k) => k.startsWith("b\u0000"))).toBe(true);
    // the same dish ranked 40 days before that instant: leaderboards only
    const old = await core.plan(ranking(row("2025-11-22 00:00:00"), 200n));
    expect(old.keys.some((k) => k.startsWith("t\u0000"))).toBe(false);
    expect(old.keys.some((k) => k.startsWith("b\u0000"))).toBe(true);
    expect(old.keys).toContain(`u\u0000${r.user_id}`);
    // 29 days before: inside the window, its trending group again
    const inside = await core.plan(ranking(row("2025-12-03 00:00:10"), 300n));
    expect(inside.keys.some((k) => k.startsWith("t\u0000"))).toBe(true);
  }, 300_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEADERBOARD_SQL } from "../../load/read-models.ts";
import { leaderboardItems, sameItem } from "../../sync/models.ts";
import type { ProjectorCore } from "../../sync/projector.ts";
import type { CommittedTx } from "../../sync/source.ts";
import { coreOnStores, leaderboardInDynamo, type SyncStores } from "./support.ts";

/**
 * A leaderboard's recompute takes the figures of restaurants whose rankings
 * did not change as given (LEADERBOARD_SQL's known scores) and sums only the
 * others: the rows are those of a full recompute, and a restaurant whose
 * rankings changed since its figures were kept is summed again.
 */

let s: SyncStores;
let core: ProjectorCore;
let city: string;
let cuisine: string;

beforeAll(async () => {
  ({ s, core } = await coreOnStores("sync_known_scores"));
  // a leaderboard of at least two ranked restaurants
  const g = await s.db.query(
    `SELECT r.city, c AS cuisine FROM restaurants r, unnest(r.cuisine_type) c
      WHERE r.city IS NOT NULL AND EXISTS (SELECT 1 FROM dish_rankings d WHERE d.restaurant_id = r.restaurant_id)
      GROUP BY 1, 2 HAVING count(*) >= 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1`,
  );
  city = g.rows[0].city;
  cuisine = g.rows[0].cuisine;
}, 600_000);

afterAll(async () => {
  await core?.close();
  await s?.close();
});

async function rows(known: unknown[] = [null, null, null, null]) {
  return (await s.db.query(LEADERBOARD_SQL, [[city], [cuisine], ...known])).rows;
}

async function expectBoardCurrent(): Promise<void> {
  const want = await leaderboardItems(s.db, [[city, cuisine]]);
  const have = await leaderboardInDynamo(s, city, cuisine);
  expect(have.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(sameItem(have[i], want[i])).toBe(true);
}

/** Moves one of a restaurant's rankings to the top of its user's list (rank 1 is free: the user's own ranks shift). */
async function rerank(restaurant: string, position: bigint): Promise<CommittedTx> {
  const r = (
    await s.db.query(
      `UPDATE dish_rankings SET rank = rank + 1000, updated_at = updated_at + interval '1 second'
        WHERE ranking_id = (SELECT ranking_id FROM dish_rankings WHERE restaurant_id = $1
                             ORDER BY ranking_id LIMIT 1)
        RETURNING user_id::text, dish_id::text, restaurant_id::text, created_at::text`,
      [restaurant],
    )
  ).rows[0];
  return {
    position,
    commitTime: new Date(),
    changes: [{ table: "dish_rankings", op: "update", row: r }],
  };
}

describe("a leaderboard's known scores", () => {
  it("give the rows of a full recompute, and are taken as given", async () => {
    const full = await rows();
    expect(full.length).toBeGreaterThanOrEqual(2);
    const half = full.filter((_, i) => i % 2 === 1);
    const known = [
      half.map((r) => r.entity_id),
      half.map((r) => r.score),
      half.map((r) => String(r.ranking_count)),
      half.map((r) => r.last_updated),
    ];
    expect(await rows(known)).toEqual(full);
    // a figure given is not summed again: a made-up score shows in the row
    known[1] = half.map((r, i) => (i === 0 ? "999.0000" : r.score));
    const doctored = await rows(known);
    const top = doctored.find((r) => r.entity_id === half[0].entity_id);
    expect(top?.score).toBe("999.0000");
    expect(top?.rank).toBe(1);
  }, 300_000);

  it("are summed again for a restaurant whose rankings changed", async () => {
    const [a, b] = (await rows()).map((r) => r.entity_id as string);
    // the projector keeps both restaurants' figures from a first recompute ...
    await core.apply(await rerank(a, 100n));
    await expectBoardCurrent();
    // ... then b's rankings change (b's figures kept are stale), and a's again
    await core.apply(await rerank(b, 200n));
    await expectBoardCurrent();
    await core.apply(await rerank(a, 300n));
    await expectBoardCurrent();
  }, 300_000);
});

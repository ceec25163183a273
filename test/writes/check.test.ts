import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkIntegrity, violated } from "../../integrity/checks.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { runCli } from "../helpers/cli.ts";
import type { Scratch } from "../helpers/stores.ts";
import { tinyStores } from "../scenarios/helpers/tiny-data.ts";

/** bellyfed-bench check against the real PostgreSQL: clean loaded data passes, violations planted by hand are found. */

let scratch: Scratch;
let db: pg.Client;
let env: Record<string, string>;

beforeAll(async () => {
  scratch = await tinyStores("check");
  db = new pg.Client(pgClientConfig(scratch.pg));
  await db.connect();
  const p = scratch.pg;
  env = {
    DATABASE_URL: `postgres://${p.user}@${p.host}:${p.port}/${p.database}`,
    AWS_ENDPOINT_URL_DYNAMODB: scratch.dynamo.endpoint ?? "",
  };
}, 600_000);

afterAll(async () => {
  await db?.end();
  await scratch?.cleanup();
});

const byName = (f: Awaited<ReturnType<typeof checkIntegrity>>) =>
  Object.fromEntries(f.map((x) => [x.name, x.violations]));

describe("check", () => {
  it("passes on the loaded data: exit 0, every invariant holds", async () => {
    const r = await runCli(["check", "-q"], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("clean: every invariant holds");
    expect(violated(await checkIntegrity(db))).toEqual([]);
  });

  it("finds violations planted by hand, with counts and examples: exit 1", async () => {
    const list = (
      await db.query(
        `SELECT user_id, dish_type FROM dish_rankings GROUP BY user_id, dish_type HAVING count(*) >= 3
          ORDER BY user_id, dish_type LIMIT 1`,
      )
    ).rows[0];
    // a gap: the list's #2 moves to #50
    await db.query(
      "UPDATE dish_rankings SET rank = 50 WHERE user_id = $1 AND dish_type = $2 AND rank = 2",
      [list.user_id, list.dish_type],
    );
    // a self-follow, and an action without its points
    const u = (await db.query("SELECT user_id FROM users ORDER BY user_id LIMIT 1")).rows[0]
      .user_id;
    await db.query(
      "INSERT INTO follows (follow_id, follower_id, followed_id) VALUES (gen_random_uuid(), $1, $1)",
      [u],
    );
    const review = (await db.query("SELECT review_id FROM reviews ORDER BY review_id LIMIT 1"))
      .rows[0].review_id;
    await db.query("DELETE FROM user_activity_points WHERE reference_id = $1", [review]);

    const counts = byName(await checkIntegrity(db));
    expect(counts["ranks-gapless"]).toBe(1);
    expect(counts["no-self-follow"]).toBe(1);
    expect(counts["actions-awarded"]).toBe(1);
    expect(counts["one-best"]).toBe(0);
    expect(counts["no-dangling"]).toBe(0);

    const r = await runCli(["check", "-q"], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ ranks-gapless\s+1 /);
    expect(r.stdout).toContain(`"user_id":"${list.user_id}"`);
    expect(r.stdout).toContain(`"ranks":[1,3`);
    expect(r.stdout).toMatch(/✗ no-self-follow\s+1 /);
    expect(r.stdout).toContain(`"id":"${review}","awards":0`);
    expect(r.stdout).toContain("3 violations of 3 invariants");
  });
});

import type pg from "pg";
import { expect, it } from "vitest";
import { follow, outboxServerPerFile, USER_ROW } from "../helpers/outbox-server.ts";

/**
 * The outbox hands transactions over in commit order, not in the order their
 * ids were taken: a transaction that took its id first and commits last comes
 * last; and under concurrent writers the delivered order agrees with the
 * server's own commit timestamps (track_commit_timestamp, the independent
 * witness).
 */
const server = outboxServerPerFile();

async function xid(c: pg.Client): Promise<bigint> {
  return BigInt((await c.query("SELECT pg_current_xact_id()::text AS x")).rows[0].x);
}

it("delivers two concurrent transactions in commit order, the later id first, and many writers in commit-timestamp order", async () => {
  const s = server.current;
  const a = await s.connect();
  const b = await s.connect();
  await a.query("BEGIN");
  await a.query(USER_ROW, ["first_id"]);
  const xa = await xid(a);
  await b.query("BEGIN");
  await b.query(USER_ROW, ["second_id"]);
  const xb = await xid(b);
  expect(xa < xb).toBe(true);
  await b.query("COMMIT");
  await a.query("COMMIT");

  const got = follow(s.target);
  await got.waitFor(2);
  expect(got.txs.map((t) => t.changes[0].row.username)).toEqual(["second_id", "first_id"]);
  expect(got.txs[0].position < got.txs[1].position).toBe(true);

  // many writers at once, each transaction a few statements with pauses, so commits interleave
  const writers = await Promise.all(Array.from({ length: 6 }, () => s.connect()));
  const committed: string[] = [];
  await Promise.all(
    writers.map(async (c, w) => {
      for (let i = 0; i < 15; i++) {
        const name = `w${w}_${i}`;
        await c.query("BEGIN");
        await c.query(USER_ROW, [name]);
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 6)));
        await c.query(
          "INSERT INTO follows (follow_id, follower_id, followed_id) VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid())",
        );
        await c.query("COMMIT");
        committed.push(name);
      }
    }),
  );
  await got.waitFor(2 + 90);
  await got.stop();
  const burst = got.txs.slice(2);
  expect(burst.map((t) => t.changes[0].row.username).sort()).toEqual([...committed].sort());
  // the server's commit timestamp of each delivered transaction never goes down
  const names = burst.map((t) => String(t.changes[0].row.username));
  const ts = await s.client.query(
    `SELECT u.username, pg_xact_commit_timestamp(u.xmin)::text AS at,
            EXTRACT(EPOCH FROM pg_xact_commit_timestamp(u.xmin)) * 1e6 AS us
       FROM users u WHERE u.username = ANY($1)`,
    [names],
  );
  const at = new Map(ts.rows.map((r) => [r.username as string, Number(r.us)]));
  const order = names.map((n) => at.get(n) as number);
  for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThanOrEqual(order[i - 1]);
  // and the xids were not in that order (the test would not tell the difference otherwise)
  const xids = await s.client.query(
    "SELECT username, xmin::text::bigint AS x FROM users WHERE username = ANY($1)",
    [names],
  );
  const x = new Map(xids.rows.map((r) => [r.username as string, Number(r.x)]));
  const byXid = [...names].sort((p, q) => (x.get(p) as number) - (x.get(q) as number));
  expect(byXid).not.toEqual(names);
  for (let i = 1; i < burst.length; i++)
    expect(burst[i].position > burst[i - 1].position).toBe(true);
}, 60_000);

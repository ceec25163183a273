import pg from "pg";
import { expect, it } from "vitest";
import { OUTBOX_COMMIT_TABLE, OUTBOX_TABLE } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { follow, outboxServerPerFile, USER_ROW } from "../helpers/outbox-server.ts";

/**
 * The outbox source's fetch can be chosen as a deadlock's victim (a DROP of
 * the outbox takes the tables it reads in the other order): it reads only, so
 * it asks again at the next poll and the stream goes on, rather than the sync
 * stopping on "deadlock detected" (seen once in a CI run, with the loader
 * dropping the outbox).
 */
const server = outboxServerPerFile();

it("a fetch that loses a deadlock is asked again and the stream goes on", async () => {
  const s = server.current;
  const got = follow(s.target);
  const other = new pg.Client(pgClientConfig(s.target));
  await other.connect();
  try {
    await s.client.query(USER_ROW, ["before_deadlock"]);
    await got.waitFor(1);
    // the other session holds the outbox; the fetch takes the commit table, then waits for it
    await other.query("BEGIN");
    await other.query(`LOCK TABLE ${OUTBOX_TABLE} IN ACCESS EXCLUSIVE MODE`);
    await new Promise((r) => setTimeout(r, 300));
    // ... and now wants the commit table: a cycle; the fetch, waiting longer, finds it
    // first (deadlock_timeout) and is the one cancelled, so this LOCK goes through
    await other.query(`LOCK TABLE ${OUTBOX_COMMIT_TABLE} IN ACCESS EXCLUSIVE MODE`);
    await other.query("ROLLBACK");
    await s.client.query(USER_ROW, ["after_deadlock"]);
    await got.waitFor(2);
    expect(got.txs.map((t) => t.changes.at(-1)?.row.username)).toEqual([
      "before_deadlock",
      "after_deadlock",
    ]);
    await got.stop();
  } finally {
    await other.end().catch(() => {});
    await got.source.stop().catch(() => {});
  }
}, 120_000);

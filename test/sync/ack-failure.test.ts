import { afterAll, beforeAll, expect, it } from "vitest";
import { startProjector } from "../../sync/projector.ts";
import type { ChangeSource, CommittedTx } from "../../sync/source.ts";
import { type SyncStores, syncStores } from "./support.ts";

/**
 * The projector's acknowledgements: one the source refuses (the outbox's on a
 * lost connection or a deadlock) is counted as an error and the projector goes
 * on, the next covering the position (before, the rejection went unhandled and
 * ended the process); and stop waits for the last one before it stops the
 * source (before, a slow one could reach an outbox whose pool was closing: the
 * last transaction applied stayed pending, seen once in a CI run).
 */

let s: SyncStores;

beforeAll(async () => {
  s = await syncStores("sync_ack_failure");
}, 600_000);

afterAll(async () => {
  await s?.close();
});

/**
 * A change source the test hands transactions to (`deliver`), with the given
 * acknowledgement; `onStop` runs when the projector stops it.
 */
function handSource(acknowledge: (position: bigint) => Promise<void>, onStop = () => {}) {
  let apply: ((tx: CommittedTx) => Promise<void>) | null = null;
  let ended = () => {};
  const source: ChangeSource = {
    kind: "test",
    start: (a) => {
      apply = a;
      return new Promise<void>((resolve) => {
        ended = resolve;
      });
    },
    acknowledge,
    stop: async () => {
      onStop();
      ended();
    },
  };
  const deliver = (tx: CommittedTx) => (apply as unknown as (tx: CommittedTx) => Promise<void>)(tx);
  return { source, deliver };
}

const userUpdate = (position: bigint, user: string): CommittedTx => ({
  position,
  commitTime: new Date(),
  changes: [{ table: "users", op: "update", row: { user_id: user } }],
});

it("a refused acknowledgement is an error counted, and the next transactions are applied", async () => {
  const user = (await s.db.query("SELECT user_id::text AS id FROM users LIMIT 1")).rows[0].id;
  const acks: bigint[] = [];
  const { source, deliver } = handSource(async (position) => {
    acks.push(position);
    if (acks.length === 1) throw new Error("connection lost");
  });
  const projector = await startProjector({ endpoints: s.scratch, source, persistMs: 60_000 });
  await deliver(userUpdate(100n, user));
  for (let i = 0; i < 100 && acks.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
  await deliver(userUpdate(200n, user));
  for (let i = 0; i < 100 && acks.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  const stats = await projector.stop();
  expect(acks).toEqual([100n, 200n]);
  expect(stats.errors).toBe(1);
  expect(stats.transactions).toBe(2);
}, 120_000);

it("stop waits for the last acknowledgement before it stops the source", async () => {
  const user = (await s.db.query("SELECT user_id::text AS id FROM users LIMIT 1")).rows[0].id;
  const events: string[] = [];
  // a slow acknowledgement, as a query on a busy server
  const { source, deliver } = handSource(
    async (position) => {
      await new Promise((r) => setTimeout(r, 300));
      events.push(`ack ${position}`);
    },
    () => events.push("stop"),
  );
  const projector = await startProjector({ endpoints: s.scratch, source, persistMs: 60_000 });
  // the counts go on from the state the test before left
  const before = projector.stats().transactions;
  await deliver(userUpdate(300n, user));
  // applied: its acknowledgement is on its way (300 ms) when stop is called
  for (let i = 0; i < 500 && projector.stats().transactions === before; i++)
    await new Promise((r) => setTimeout(r, 5));
  expect(events).toEqual([]);
  const stats = await projector.stop();
  expect(stats.transactions - before).toBe(1);
  expect(events).toEqual(["ack 300", "stop"]);
}, 120_000);

import { afterAll, beforeAll, expect, it } from "vitest";
import { startProjector } from "../../sync/projector.ts";
import type { ChangeSource, CommittedTx } from "../../sync/source.ts";
import { type SyncStores, syncStores } from "./support.ts";

/**
 * An acknowledgement the source refuses (the outbox's on a lost connection or
 * a deadlock) is counted as an error and the projector goes on: the next
 * acknowledgement covers the position (before, the rejection went unhandled
 * and ended the process).
 */

let s: SyncStores;

beforeAll(async () => {
  s = await syncStores("sync_ack_failure");
}, 600_000);

afterAll(async () => {
  await s?.close();
});

it("a refused acknowledgement is an error counted, and the next transactions are applied", async () => {
  const user = (await s.db.query("SELECT user_id::text AS id FROM users LIMIT 1")).rows[0].id;
  const acks: bigint[] = [];
  let deliver: ((tx: CommittedTx) => Promise<void>) | null = null;
  let ended = () => {};
  const source: ChangeSource = {
    kind: "test",
    start: (apply) => {
      deliver = apply;
      return new Promise<void>((resolve) => {
        ended = resolve;
      });
    },
    acknowledge: async (position) => {
      acks.push(position);
      if (acks.length === 1) throw new Error("connection lost");
    },
    stop: async () => ended(),
  };
  const projector = await startProjector({ endpoints: s.scratch, source, persistMs: 60_000 });
  const tx = (position: bigint): CommittedTx => ({
    position,
    commitTime: new Date(),
    changes: [{ table: "users", op: "update", row: { user_id: user } }],
  });
  await (deliver as unknown as (tx: CommittedTx) => Promise<void>)(tx(100n));
  for (let i = 0; i < 100 && acks.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
  await (deliver as unknown as (tx: CommittedTx) => Promise<void>)(tx(200n));
  for (let i = 0; i < 100 && acks.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  const stats = await projector.stop();
  expect(acks).toEqual([100n, 200n]);
  expect(stats.errors).toBe(1);
  expect(stats.transactions).toBe(2);
}, 120_000);

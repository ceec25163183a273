import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSlot } from "../../load/replication.ts";
import { lsnToBigInt } from "../../sync/pgoutput-source.ts";
import { startProjector } from "../../sync/projector.ts";
import { readState } from "../../sync/state.ts";
import { runCli } from "../helpers/cli.ts";
import { type SyncStores, syncStores } from "./support.ts";

/**
 * `bellyfed-bench sync` killed with SIGKILL in the middle of a stream and
 * restarted loses nothing and doubles nothing: the restart resumes at the
 * slot's confirmed position, applies exactly the transactions after it (the
 * killed run's unacknowledged ones again, harmlessly), and the read models
 * equal a full recompute.
 */

const BIN = fileURLToPath(new URL("../../bin/bellyfed-bench.js", import.meta.url));
let s: SyncStores;

beforeAll(async () => {
  s = await syncStores("sync_sigkill");
}, 600_000);

afterAll(async () => {
  await s?.close();
});

/**
 * One transaction per insert (one change each); the WAL position right after
 * each commit. At least `n`, and on while `more(written)` says so (it may
 * wait before it answers).
 */
async function writeTransactions(
  n: number,
  offset: number,
  more: (written: number) => Promise<boolean> = async () => false,
): Promise<bigint[]> {
  const users = (await s.db.query("SELECT user_id FROM users ORDER BY user_id LIMIT 20")).rows;
  const dishes = (
    await s.db.query(
      `SELECT d.dish_id, d.dish_type, d.restaurant_id FROM dishes d JOIN restaurants r USING (restaurant_id)
        WHERE r.city IS NOT NULL ORDER BY d.dish_id LIMIT 20`,
    )
  ).rows;
  const after: bigint[] = [];
  for (let i = offset; ; i++) {
    const go = await more(i - offset);
    if (i >= offset + n && !go) break;
    const u = users[i % users.length].user_id;
    const d = dishes[i % dishes.length];
    if (i % 2 === 0)
      await s.db.query(
        `INSERT INTO reviews (review_id, user_id, dish_id, content, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, $2, 'sigkill', '2026-01-01 00:00:01', '2026-01-01 00:00:01')`,
        [u, d.dish_id],
      );
    else
      await s.db.query(
        `INSERT INTO dish_rankings (ranking_id, user_id, dish_id, dish_type, restaurant_id, rank, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, '2026-01-01 00:00:02', '2026-01-01 00:00:02')`,
        [u, d.dish_id, d.dish_type, d.restaurant_id, 1000 + i],
      );
    after.push(
      lsnToBigInt((await s.db.query("SELECT pg_current_wal_insert_lsn()::text AS l")).rows[0].l),
    );
  }
  return after;
}

describe("sync killed with SIGKILL mid-stream", () => {
  it("resumes from the slot's confirmed position: nothing lost, nothing applied twice in effect", async () => {
    const prefix = s.scratch.dynamo.tablePrefix;
    const first = await writeTransactions(150, 0);
    const child = spawn(process.execPath, [BIN, "sync", "-q"], {
      env: { ...process.env, ...s.env },
      stdio: "ignore",
    });
    const exited = new Promise((r) => child.once("exit", r));
    // commits go on while it runs; the kill once it has applied some, and 10
    // more commits after the kill (so the stream is cut however fast it applies)
    let written = 0;
    let atKill = -1;
    const more = writeTransactions(60, 150, async (w) => {
      written = w;
      // at most 400 before the kill (the child's start-up can take seconds)
      while (atKill < 0 && w >= 400) await new Promise((r) => setTimeout(r, 50));
      return atKill < 0 || w < atKill + 10;
    });
    let persisted = 0;
    for (let i = 0; i < 600 && persisted < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      persisted = (await readState(s.dyn, prefix))?.transactions ?? 0;
    }
    child.kill("SIGKILL");
    atKill = written;
    await exited;
    const lsns = [...first, ...(await more)];
    const total = lsns.length;
    // PostgreSQL notices the reader is gone
    let slot = await readSlot(s.db);
    for (let i = 0; i < 100 && slot?.active; i++) {
      await new Promise((r) => setTimeout(r, 100));
      slot = await readSlot(s.db);
    }
    expect(slot?.active).toBe(false);
    const confirmed = lsnToBigInt(slot?.confirmedLsn ?? "0/0");
    const killedState = await readState(s.dyn, prefix);
    const appliedBefore = killedState?.transactions ?? 0;
    expect(appliedBefore).toBeGreaterThanOrEqual(20);
    expect(appliedBefore).toBeLessThan(total); // killed mid-stream

    // how many transactions the slot had confirmed: transaction i ends after
    // lsns[i-1] and at or before lsns[i] (±1 at the boundary)
    const surely = lsns.filter((l) => l < confirmed).length;
    const atMost = [0n, ...lsns.slice(0, -1)].filter((l) => l < confirmed).length;

    const projector = await startProjector({ endpoints: s.scratch });
    expect(await projector.waitCaughtUp(240_000)).toBe(true);
    const st = await projector.stop();
    const appliedAfter = st.transactions - appliedBefore;
    // exactly the transactions after the confirmed position, once each
    expect(appliedAfter).toBeGreaterThanOrEqual(total - atMost);
    expect(appliedAfter).toBeLessThanOrEqual(total - surely);
    // the killed run's count is its state as last written (each second), which can trail
    // what it had applied and acknowledged by up to a second's transactions; so "nothing
    // lost" is the bound above (everything after the confirmed position applied again)
    // and the full recompute below, not the sum of the two counts
    expect(surely).toBeGreaterThan(0);
    expect(st.errors).toBe(0);
    const replayed = appliedBefore + appliedAfter - total;
    process.stdout.write(
      `sigkill: ${total} transactions; killed run applied ${appliedBefore} (state written each second), slot confirmed ~${surely}; restart applied ${appliedAfter}; ${replayed} more than the total counted (replays made no-ops by the conditional writes; negative when the killed run's last state trailed its acknowledgements)\n`,
    );

    const v = await runCli(["sync", "verify", "-q"], s.env, 300_000);
    expect(v.stdout).toMatch(/^equal: every read-model item matches a full recompute/);
    expect(v.code).toBe(0);
  }, 900_000);
});

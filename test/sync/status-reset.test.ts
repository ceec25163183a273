import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSlot, slotName, syncStateTableName } from "../../load/replication.ts";
import { USER_POPULARITY_TABLE } from "../../schema/index.ts";
import { startProjector } from "../../sync/projector.ts";
import { runCli } from "../helpers/cli.ts";
import { type SyncStores, syncStores, writeSome } from "./support.ts";

/** `sync status` reports the slot, lag and counts; `sync reset` drops the harness's own slot, publication and state, nothing else. */

let s: SyncStores;

beforeAll(async () => {
  s = await syncStores("sync_status_reset");
}, 600_000);

afterAll(async () => {
  await s?.close();
});

const tableExists = (name: string) =>
  s.dyn.send(new DescribeTableCommand({ TableName: name })).then(
    () => true,
    (e) =>
      (e as { name?: string }).name === "ResourceNotFoundException" ? false : Promise.reject(e),
  );

describe("sync status and sync reset", () => {
  it("status shows slot, lag, last position and counts; reset drops only the harness's own", async () => {
    const projector = await startProjector({ endpoints: s.scratch });
    await writeSome(s.db, 4);
    expect(await projector.waitCaughtUp(120_000)).toBe(true);
    const st = await projector.stop();
    expect(st.transactions).toBe(12);
    const slot = slotName(s.scratch.pg.database);

    const status = await runCli(["sync", "status", "-q"], s.env);
    expect(status.code).toBe(0);
    const out = status.stdout;
    expect(out).toMatch(
      new RegExp(`^slot: ${slot} \\(pgoutput, inactive\\), confirmed [0-9A-F]+/[0-9A-F]+$`, "m"),
    );
    expect(out).toMatch(
      /^lag: [\d.]+ (B|kB|MB) of WAL behind the server; last applied commit [\d.]+ s ago$/m,
    );
    expect(out).toMatch(/^last applied: [0-9A-F]+\/[0-9A-F]+ committed \d{4}-\d\d-\d\dT/m);
    expect(out).toMatch(
      /^applied: 12 changes in 12 transactions, 0 stale writes skipped, 0 errors;/m,
    );

    // someone else's slot in the same database must survive the reset
    const other = `other_${s.scratch.pg.database}`.slice(0, 63);
    await s.db.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [other]);
    const reset = await runCli(["sync", "reset", "-q"], s.env);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`dropped slot ${slot}, publication bellyfed_sync`);
    expect(reset.stdout).toContain("the projector's state");
    expect(await readSlot(s.db)).toBeNull();
    const slots = await s.db.query(
      "SELECT slot_name FROM pg_replication_slots WHERE database = $1",
      [s.scratch.pg.database],
    );
    expect(slots.rows.map((r) => r.slot_name)).toEqual([other]);
    const pub = await s.db.query("SELECT count(*)::int AS n FROM pg_publication");
    expect(pub.rows[0].n).toBe(0);
    expect(await tableExists(syncStateTableName(s.scratch.dynamo.tablePrefix))).toBe(false);
    expect(await tableExists(`${s.scratch.dynamo.tablePrefix}${USER_POPULARITY_TABLE}`)).toBe(true);
    const again = await runCli(["sync", "reset", "-q"], s.env);
    expect(again.stdout).toContain("nothing to drop");
    await s.db.query("SELECT pg_drop_replication_slot($1)", [other]);
  }, 300_000);
});

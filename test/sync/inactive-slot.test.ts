import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slotName } from "../../load/replication.ts";
import { inactiveSlotWarnings } from "../../scripts/commands/sync.ts";
import { runCli } from "../helpers/cli.ts";
import { type SyncStores, syncStores, writeSome } from "./support.ts";

/** An inactive harness slot keeps WAL forever: `sync status` (and `services down`, through the same lines) warn. */

let s: SyncStores;

beforeAll(async () => {
  s = await syncStores("sync_inactive_slot");
}, 600_000);

afterAll(async () => {
  await s?.close();
});

describe("an inactive slot", () => {
  it("is warned about with the WAL it keeps and the commands that fix it", async () => {
    await writeSome(s.db, 3);
    const slot = slotName(s.scratch.pg.database);
    const r = await runCli(["sync", "status", "-q"], s.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`slot: ${slot} (pgoutput, inactive)`);
    const warning = r.stderr
      .split("\n")
      .find((l) => l.startsWith(`warning: replication slot ${slot} `));
    expect(warning).toMatch(/is inactive and keeps [\d.]+ (B|kB|MB|GB) of WAL/);
    expect(warning).toContain("run 'npx bellyfed-bench sync' to catch up");
    expect(warning).toContain("'npx bellyfed-bench sync reset' to drop it");
    // the lines `services down` prints before it stops the stores (the bytes kept
    // grow with any WAL the server writes meanwhile, other tests' too)
    const bytes = (l: string | undefined) => l?.replace(/keeps [\d.]+ (B|kB|MB|GB)/, "keeps N");
    expect((await inactiveSlotWarnings(s.db)).map(bytes)).toContain(bytes(warning));
  }, 300_000);
});

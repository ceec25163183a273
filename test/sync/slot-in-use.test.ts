import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSlot, slotName } from "../../load/replication.ts";
import { type Projector, startProjector } from "../../sync/projector.ts";
import { runCli } from "../helpers/cli.ts";
import { type SyncStores, syncStores } from "./support.ts";

/** A slot another process reads: `sync` (and `sync reset`) say so in one line, exit 2, change nothing. */

let s: SyncStores;
let projector: Projector;

beforeAll(async () => {
  s = await syncStores("sync_slot_in_use");
  projector = await startProjector({ endpoints: s.scratch });
  for (let i = 0; i < 100 && !(await readSlot(s.db))?.active; i++)
    await new Promise((r) => setTimeout(r, 50));
}, 600_000);

afterAll(async () => {
  await projector?.stop();
  await s?.close();
});

describe("sync with its slot in use by another process", () => {
  it("exits 2 with one line naming the slot and the fix, and changes nothing", async () => {
    const before = await readSlot(s.db);
    expect(before?.active).toBe(true);
    const slot = slotName(s.scratch.pg.database);
    for (const args of [["sync"], ["sync", "reset"]]) {
      const r = await runCli([...args, "-q"], s.env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`replication slot ${slot} is in use by another process`);
      expect(lines[0]).toContain(`pid ${before?.activePid}`);
      expect(lines[0]).not.toMatch(/\n\s+at /);
    }
    const after = await readSlot(s.db);
    expect(after?.slot).toBe(slot);
    expect(after?.activePid).toBe(before?.activePid);
    const pub = await s.db.query(
      "SELECT count(*)::int AS n FROM pg_publication WHERE pubname = 'bellyfed_sync'",
    );
    expect(pub.rows[0].n).toBe(1);
  }, 300_000);
});

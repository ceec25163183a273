import type pg from "pg";
import { expect, it } from "vitest";
import { detectLogicalDecoding } from "../../sync/capability.ts";
import { outboxServerPerFile } from "../helpers/outbox-server.ts";

/**
 * With wal_level=logical, detectLogicalDecoding passes for a role with the
 * replication right and a free slot, and names the problem and the fix for a
 * role without REPLICATION and for a server whose slots are all taken (the
 * sync's own existing slot needs no free one).
 */
const server = outboxServerPerFile({
  install: false,
  settings: { wal_level: "logical", max_replication_slots: "1" },
});

it("passes with the right and a free slot; names the missing right and the taken slots", async () => {
  const s = server.current;
  expect(await detectLogicalDecoding(s.client)).toEqual({ ok: true });

  await s.client.query("CREATE ROLE plain LOGIN");
  const plain: pg.Client = await s.connectAs("plain");
  expect(await detectLogicalDecoding(plain)).toEqual({
    ok: false,
    problem: "role plain may not stream changes (it has no REPLICATION attribute)",
    fix: "as a superuser run ALTER ROLE plain REPLICATION;",
  });
  // the fix as written
  await s.client.query("ALTER ROLE plain REPLICATION;");
  expect(await detectLogicalDecoding(plain)).toEqual({ ok: true });

  await s.client.query("SELECT pg_create_logical_replication_slot('someone_else', 'pgoutput')");
  expect(await detectLogicalDecoding(plain, { slot: "bellyfed_sync" })).toEqual({
    ok: false,
    problem: "all 1 replication slots are taken (max_replication_slots=1), inactive: someone_else",
    fix: "drop a slot nobody uses: SELECT pg_drop_replication_slot('someone_else'); or raise max_replication_slots and restart",
  });
  // the sync's own slot, once it exists, needs no free one
  expect(await detectLogicalDecoding(plain, { slot: "someone_else" })).toEqual({ ok: true });
  await s.client.query("SELECT pg_drop_replication_slot('someone_else');");
  expect(await detectLogicalDecoding(plain, { slot: "bellyfed_sync" })).toEqual({ ok: true });
}, 60_000);

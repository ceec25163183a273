import { expect, it } from "vitest";
import { chooseChangeSource, detectLogicalDecoding } from "../../sync/capability.ts";
import { outboxServerPerFile } from "../helpers/outbox-server.ts";

/**
 * On a server without logical decoding (PostgreSQL 15, wal_level=replica),
 * detectLogicalDecoding says so with the fix, and the sync's source choice
 * falls back to the outbox with one line naming both; the fix, as written,
 * and a restart make the check pass.
 */
const server = outboxServerPerFile({ install: false });

it("says logical decoding is off, with the fix, and chooses the outbox in one line", async () => {
  const c = server.current.client;
  const got = await detectLogicalDecoding(c, { slot: "bellyfed_sync" });
  expect(got).toEqual({
    ok: false,
    problem: "logical decoding is off on the server of database bench (wal_level=replica)",
    fix: "as a superuser run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL",
  });
  const choice = await chooseChangeSource(c, { slot: "bellyfed_sync" });
  expect(choice.kind).toBe("outbox");
  const note = choice.kind === "outbox" ? choice.note : "";
  expect(note).toBe(
    "logical decoding is off on the server of database bench (wal_level=replica); fix: as a superuser run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL; until then the sync reads a transactional outbox (triggers on the source tables, polled)",
  );
  expect(note).not.toContain("\n");
  // the fix, as written, then a restart: the check passes
  await c.query("ALTER SYSTEM SET wal_level = logical;");
  await server.current.server.restart();
  const after = await server.current.connect();
  expect(await detectLogicalDecoding(after, { slot: "bellyfed_sync" })).toEqual({ ok: true });
}, 60_000);

import { expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { prepareForBulkLoad } from "../../load/pg-loader.ts";
import {
  dropPgSchema,
  markLoadComplete,
  markLoadStarted,
  outboxObjects,
  outboxStatus,
} from "../../schema/index.ts";
import { ensureOutbox } from "../../sync/outbox-source.ts";
import { follow, outboxServerPerFile, USER_ROW } from "../helpers/outbox-server.ts";

/**
 * The outbox's life: installed only on a complete load (idempotently),
 * dropped by the bulk loader before it truncates and copies (so the COPY
 * never fills it; a sync still reading it stops with one line) and by
 * `schema reset`, each time exactly its own objects
 * (a user's functions named like them stay); positions keep growing across an
 * uninstall and a reinstall.
 */
const server = outboxServerPerFile();

it("installs on a complete load, is dropped before a reload and by a reset, positions keep growing", async () => {
  const s = server.current;
  const c = s.client;
  expect(await ensureOutbox(c)).toEqual([]);
  const installed = await outboxObjects(c);
  expect(installed.triggers).toEqual([
    "dish_rankings",
    "dishes",
    "follows",
    "restaurants",
    "reviews",
    "users",
  ]);
  expect(installed.tables).toEqual([
    "bellyfed_outbox",
    "bellyfed_outbox_commit",
    "bellyfed_outbox_state",
  ]);
  expect(installed.sequence).toBe(true);
  await c.query(
    "CREATE FUNCTION bellyfed_outbox_capture_mine_x() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$",
  );
  await c.query(
    "CREATE FUNCTION bellyfed_outboxes() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$",
  );

  await c.query(USER_ROW, ["before_reload"]);
  const one = follow(s.target);
  await one.waitFor(1);
  await one.source.acknowledge(one.txs[0].position);

  // a reload: the loader's prepare step drops the outbox, then rows go in as the COPY would
  await markLoadStarted(c, { scale: "outbox-test", seed: 2 });
  await prepareForBulkLoad(c);
  // a sync still reading it stops with one line
  await new Promise((r) => setTimeout(r, 100));
  await expect(one.stop()).rejects.toThrow(
    "the outbox was dropped while the sync read it (a reload or sync reset); start the sync again: bellyfed-bench sync",
  );
  const gone = await outboxObjects(c);
  expect(gone.triggers).toEqual([]);
  expect(gone.tables).toEqual([]);
  expect(gone.sequence).toBe(false);
  expect(gone.functions).toEqual([]);
  await c.query(USER_ROW, ["loaded_row"]);
  // not on an incomplete load
  const err = await ensureOutbox(c).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  expect((err as Error).message).toBe(
    "database bench holds no complete bellyfed-bench load, and the outbox captures changes after one; load data first: bellyfed-bench load --scale small",
  );
  expect((await outboxObjects(c)).tables).toEqual([]);

  await markLoadComplete(c, { rowCounts: {} });
  expect((await ensureOutbox(c)).length).toBeGreaterThan(0);
  expect((await outboxStatus(c)).pendingTransactions).toBe(0);
  await c.query(USER_ROW, ["after_reload"]);
  const two = follow(s.target);
  await two.waitFor(1);
  await new Promise((r) => setTimeout(r, 200));
  await two.stop();
  expect(two.txs.map((t) => t.changes[0].row.username)).toEqual(["after_reload"]);
  expect(two.txs[0].position > one.txs[0].position).toBe(true);

  // schema reset drops the outbox with the design's tables; the user's function stays
  const changes = await dropPgSchema(c);
  expect(changes).toContain("dropped table bellyfed_outbox_state");
  expect(changes).toContain("dropped trigger bellyfed_outbox_capture on users");
  const left = await c.query(
    "SELECT string_agg(proname, ',' ORDER BY proname) AS f FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
  );
  expect(left.rows[0].f).toBe("bellyfed_outbox_capture_mine_x,bellyfed_outboxes");
  const rels = await c.query(
    "SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace",
  );
  expect(rels.rows[0].n).toBe(0);
}, 60_000);

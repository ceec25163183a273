import type pg from "pg";
import { expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { checkOutboxRights, chooseChangeSource } from "../../sync/capability.ts";
import { ensureOutbox } from "../../sync/outbox-source.ts";
import { outboxServerPerFile } from "../helpers/outbox-server.ts";

/**
 * No logical decoding and a role that may not install the outbox (no CREATE
 * on the schema, no TRIGGER on the tables): checkOutboxRights names what is
 * missing and the GRANTs that fix it; the source choice fails with one
 * UsageError line (exit 2) naming both problems and both fixes, and nothing
 * is created. The GRANTs, run as written, make the check pass and the
 * install work.
 */
const server = outboxServerPerFile({ install: false });

async function catalog(c: pg.Client): Promise<string> {
  const r = await c.query(
    `SELECT (SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class
              WHERE relnamespace = 'public'::regnamespace) AS rels,
            (SELECT string_agg(proname, ',' ORDER BY proname) FROM pg_proc
              WHERE pronamespace = 'public'::regnamespace) AS procs,
            (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal) AS triggers`,
  );
  return JSON.stringify(r.rows[0]);
}

it("names the missing rights and their GRANTs, fails with exit 2 and creates nothing", async () => {
  const s = server.current;
  await s.client.query("CREATE ROLE app LOGIN");
  await s.client.query(
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app",
  );
  const app = await s.connectAs("app");
  const before = await catalog(s.client);

  expect(await checkOutboxRights(app)).toEqual({
    ok: false,
    problem:
      "role app may not install the outbox in database bench (it lacks CREATE on schema public and TRIGGER on users, follows, dish_rankings, reviews, dishes, restaurants)",
    fix: "as the owner of the tables run GRANT CREATE ON SCHEMA public TO app; GRANT TRIGGER ON users, follows, dish_rankings, reviews, dishes, restaurants TO app;",
  });
  const err = await chooseChangeSource(app).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  expect((err as UsageError).exitCode).toBe(2);
  expect((err as UsageError).message).toBe(
    "logical decoding is not available (logical decoding is off on the server of database bench (wal_level=replica); fix: as a superuser run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL) and the outbox fallback cannot be installed either (role app may not install the outbox in database bench (it lacks CREATE on schema public and TRIGGER on users, follows, dish_rankings, reviews, dishes, restaurants); fix: as the owner of the tables run GRANT CREATE ON SCHEMA public TO app; GRANT TRIGGER ON users, follows, dish_rankings, reviews, dishes, restaurants TO app;)",
  );
  expect((err as UsageError).message).not.toContain("\n");
  expect(await catalog(s.client)).toBe(before);

  // the fix, as written
  await s.client.query(
    "GRANT CREATE ON SCHEMA public TO app; GRANT TRIGGER ON users, follows, dish_rankings, reviews, dishes, restaurants TO app;",
  );
  expect(await checkOutboxRights(app)).toEqual({ ok: true });
  expect(await chooseChangeSource(app)).toMatchObject({ kind: "outbox" });
  expect(await ensureOutbox(app)).toContain("created trigger bellyfed_outbox_capture on users");
  expect(await checkOutboxRights(app)).toEqual({ ok: true });
}, 60_000);

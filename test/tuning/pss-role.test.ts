import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import { statementsAvailable } from "../../tuning/stats.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * Issue 12, item 8: on a managed server pg_stat_statements may be preloaded
 * yet missing from the database, and a role without privileges cannot
 * create it. The note says in one line what to ask the administrator for,
 * and that exact statement, run by an administrator, is what was missing.
 */
let s: Scratch;
const role = `bb_plain_${randomBytes(3).toString("hex")}`;

async function asAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(pgClientConfig(s.pg));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  s = await scratchStores("pss_role");
  await asAdmin(async (c) => {
    await c.query("DROP EXTENSION IF EXISTS pg_stat_statements");
    await c.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
  });
});

afterAll(async () => {
  await s?.cleanup();
  const c = new pg.Client(pgClientConfig({ ...s.pg, database: "postgres" }));
  await c.connect();
  await c.query(`DROP ROLE IF EXISTS ${role}`).finally(() => c.end());
});

it("a role that may not create the extension gets one line naming the statement to ask for", async () => {
  const c = new pg.Client(pgClientConfig({ ...s.pg, user: role }));
  await c.connect();
  try {
    const r = await statementsAvailable(c);
    expect(r.ok).toBe(false);
    expect(r.why).not.toMatch(/\n/);
    expect(r.why).toMatch(
      new RegExp(
        `not installed in database ${s.pg.database} and role ${role} may not create it \\(permission denied.*\\); statement figures are skipped; ask the administrator to run, connected to ${s.pg.database}: CREATE EXTENSION pg_stat_statements;$`,
      ),
    );
    // the statement named, run by the administrator in that database, is what the role lacked
    const statement = /: (CREATE EXTENSION pg_stat_statements;)$/.exec(r.why!)![1];
    await asAdmin((a) => a.query(statement));
    expect(await statementsAvailable(c)).toEqual({ ok: true });
  } finally {
    await c.end();
  }
});

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { applyPgSchema, dropPgSchema, truncatePgTables } from "../../schema/postgres/apply.ts";
import { runSchema } from "../../scripts/commands/schema.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

let scratch: Scratch;
let client: pg.Client;

async function tables(): Promise<string[]> {
  const res = await client.query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return res.rows.map((r) => r.tablename);
}

function reset(args: string[]): Promise<number> {
  return runSchema(["reset", "--only", "pg", ...args], {
    out: () => {},
    endpoints: async () => scratch,
    interactive: false,
  });
}

beforeAll(async () => {
  scratch = await scratchStores("schema-reset-guard");
  client = new pg.Client(pgClientConfig(scratch.pg));
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await scratch?.cleanup();
});

describe("reset and the PostgreSQL marker", () => {
  it("treats an empty database as safe: reset has nothing to drop", async () => {
    expect(await dropPgSchema(client)).toEqual([]);
  });

  it("refuses to reset or create into a database holding tables it did not create", async () => {
    await client.query("CREATE TABLE users (user_id uuid PRIMARY KEY, note text)");
    await client.query("INSERT INTO users VALUES (gen_random_uuid(), 'precious')");
    const refused = reset(["--yes"]);
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(
      /^database bbtest_\S+ holds tables bellyfed-bench did not create \(public\.users\); pass --force to drop/,
    );
    await expect(applyPgSchema(client)).rejects.toThrow(/pass --force to create the schema there/);
    await expect(truncatePgTables(client)).rejects.toThrow(/pass --force to truncate/);
    const rows = await client.query("SELECT note FROM users");
    expect(rows.rows).toEqual([{ note: "precious" }]);
    expect(await tables()).toEqual(["users"]);
  });

  it("drops the design's tables in an unmarked database only with --force", async () => {
    expect(await reset(["--yes", "--force"])).toBe(0);
    expect(await tables()).toEqual([]);
  });

  it("resets a marked database, and leaves tables that are not the design's alone", async () => {
    await applyPgSchema(client);
    await client.query("CREATE TABLE notes_of_mine (id int)");
    expect(await reset(["--yes"])).toBe(0);
    expect(await tables()).toEqual(["notes_of_mine"]);
    const fn = await client.query("SELECT 1 FROM pg_proc WHERE proname = 'bellyfed_activity_feed'");
    expect(fn.rows).toEqual([]);
  });

  it("asks for --yes when there is no terminal to confirm on", async () => {
    await client.query("DROP TABLE notes_of_mine");
    await applyPgSchema(client);
    await expect(reset([])).rejects.toThrow(/pass --yes to confirm/);
    expect(await tables()).toContain("users");
  });
});

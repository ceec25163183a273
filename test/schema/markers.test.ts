import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPgSchema, truncatePgTables } from "../../schema/postgres/apply.ts";
import {
  clearLoadState,
  markLoadComplete,
  markLoadStarted,
  readPgMarker,
} from "../../stores/markers.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

let scratch: Scratch;
let client: pg.Client;

beforeAll(async () => {
  scratch = await scratchStores("schema-markers");
  client = new pg.Client(pgClientConfig(scratch.pg));
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await scratch?.cleanup();
});

describe("the PostgreSQL marker", () => {
  it("is absent before apply and written by it", async () => {
    expect(await readPgMarker(client)).toBeNull();
    await applyPgSchema(client, { indexSet: "seed" });
    const m = await readPgMarker(client);
    expect(m).toMatchObject({
      createdBy: "bellyfed-bench",
      schemaVersion: 1,
      indexSet: "seed",
      load: null,
    });
    expect(m?.createdAt).toBeInstanceOf(Date);
  });

  it("records a load: loading, then complete with row counts and duration", async () => {
    const startedAt = new Date("2026-01-01T00:00:00Z");
    await markLoadStarted(client, { scale: "tiny", seed: 42, startedAt });
    expect((await readPgMarker(client))?.load).toMatchObject({
      scale: "tiny",
      seed: 42,
      status: "loading",
      finishedAt: null,
      durationMs: null,
    });
    await markLoadComplete(client, {
      rowCounts: { users: 100, follows: 900 },
      finishedAt: new Date("2026-01-01T00:00:12.5Z"),
    });
    const load = (await readPgMarker(client))?.load;
    expect(load).toMatchObject({
      status: "complete",
      rowCounts: { users: 100, follows: 900 },
      durationMs: 12500,
    });
    expect(load?.startedAt.toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("forgets the load on clear and on truncate", async () => {
    await clearLoadState(client);
    expect((await readPgMarker(client))?.load).toBeNull();
    await markLoadStarted(client, { scale: "tiny", seed: 1 });
    await client.query(
      "INSERT INTO users (user_id, email, username, password_hash) VALUES (gen_random_uuid(), 'a@b', 'a', 'x')",
    );
    await truncatePgTables(client);
    expect((await readPgMarker(client))?.load).toBeNull();
    expect((await client.query("SELECT count(*)::int AS n FROM users")).rows[0].n).toBe(0);
  });
});

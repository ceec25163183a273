import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { applyPgSchema } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "./stores.ts";

export interface SchemaDb {
  scratch: Scratch;
  client: pg.Client;
}

/**
 * A scratch database with the design's schema applied, for one test file:
 * registers the beforeAll/afterAll hooks; the fields are set once they ran.
 */
export function withSchemaDb(name: string): SchemaDb {
  const db = {} as SchemaDb;
  beforeAll(async () => {
    db.scratch = await scratchStores(name);
    db.client = new pg.Client(pgClientConfig(db.scratch.pg));
    await db.client.connect();
    await applyPgSchema(db.client);
  });
  afterAll(async () => {
    await db.client?.end();
    await db.scratch?.cleanup();
  });
  return db;
}

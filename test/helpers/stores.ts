import { randomBytes } from "node:crypto";
import { DeleteTableCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import type { Endpoints } from "../../stores/types.ts";

export interface Scratch extends Endpoints {
  /** drops the scratch database and deletes the prefixed DynamoDB tables */
  cleanup(): Promise<void>;
}

/**
 * Real stores for one test file: a fresh PostgreSQL database on the same
 * server (embedded, or the one the environment names) and a unique DynamoDB
 * table prefix, so test files never see each other's data or the user's.
 */
export async function scratchStores(name: string): Promise<Scratch> {
  const base = await resolveEndpoints();
  const tag = `${name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "_")
    .slice(0, 30)}_${randomBytes(3).toString("hex")}`;
  const database = `bbtest_${tag}`;
  const admin = new pg.Client(pgClientConfig(base.pg));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const pgTarget = {
    ...base.pg,
    database,
    description: `${base.pg.description} [scratch ${database}]`,
  };
  const dynamo = { ...base.dynamo, tablePrefix: `${base.dynamo.tablePrefix}t_${tag}_` };
  return {
    pg: pgTarget,
    dynamo,
    async cleanup() {
      const c = new pg.Client(pgClientConfig(base.pg));
      await c.connect();
      try {
        // connections still closing (pg-pool's end() resolves before its clients' sockets close)
        // would get the FATAL of a forced drop as an unhandled error: give them 2 s to go
        for (let i = 0; i < 40; i++) {
          const r = await c.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
            [database],
          );
          if (r.rows[0].n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // a logical replication slot (the sync's, load/replication.ts) keeps its database from being dropped
        await c.query(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active",
          [database],
        );
        await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await c.end();
      }
      const client = createDynamoClient(dynamo);
      try {
        const names: string[] = [];
        let start: string | undefined;
        do {
          const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
          names.push(...(out.TableNames ?? []));
          start = out.LastEvaluatedTableName;
        } while (start);
        for (const t of names.filter((n) => n.startsWith(dynamo.tablePrefix))) {
          await client.send(new DeleteTableCommand({ TableName: t }));
        }
      } finally {
        client.destroy();
      }
    },
  };
}

import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  ScanCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { UsageError } from "../core/errors.ts";

/**
 * Safety markers: the harness drops or truncates only what it created.
 *
 * PostgreSQL: the table `bellyfed_bench_marker` (one row) in the schema the
 * harness creates into. It also records the active index set and the loader's
 * state (scale, seed, loading/complete, row counts, times).
 *
 * DynamoDB: every table the harness creates carries the tag
 * `bellyfed-bench=managed`; DynamoDB Local 1.25 rejects tagging ("Tagging is
 * not currently supported in DynamoDB Local"), so each created table also gets
 * an item in `<prefix>BellyfedBenchMarker`, which works on every endpoint.
 */

export const PG_MARKER_TABLE = "bellyfed_bench_marker";
export const CREATED_BY = "bellyfed-bench";

/** Anything with node-pg's query(text, values): a Pool, a PoolClient or a Client. */
export interface Queryable {
  // biome-ignore lint/suspicious/noExplicitAny: rows are typed by the callers
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
}

export type LoadStatus = "loading" | "complete";

export interface LoadState {
  scale: string;
  seed: number;
  status: LoadStatus;
  rowCounts: Record<string, number>;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  /** set when write scenarios ran after the load (`load --reload` clears it) */
  changed?: { at: Date; by: string } | null;
}

export interface PgMarker {
  createdBy: string;
  createdAt: Date;
  schemaVersion: number;
  /** the index set applied last; null when tables exist without a set (during a bulk load) */
  indexSet: string | null;
  /** null until a loader records a load */
  load: LoadState | null;
  /** what the target is, e.g. 'production' (write scenarios refuse it without --allow-writes); null: a test target */
  environment?: string | null;
}

const MARKER_DDL = `CREATE TABLE IF NOT EXISTS ${PG_MARKER_TABLE} (
    id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    schema_version INTEGER NOT NULL,
    index_set TEXT,
    load_scale TEXT,
    load_seed BIGINT,
    load_status TEXT CHECK (load_status IN ('loading', 'complete')),
    load_row_counts JSONB,
    load_started_at TIMESTAMPTZ,
    load_finished_at TIMESTAMPTZ,
    load_duration_ms BIGINT
)`;
/** Columns added after the first marker: writes since the load, and the target's environment. */
const MARKER_COLUMNS = `ALTER TABLE ${PG_MARKER_TABLE}
  ADD COLUMN IF NOT EXISTS load_changed_at TIMESTAMPTZ,
  ADD COLUMN IF NOT EXISTS load_changed_by TEXT,
  ADD COLUMN IF NOT EXISTS environment TEXT`;

/** Creates the marker (table and row) if absent. Returns true when it created the row. */
export async function ensurePgMarker(q: Queryable, schemaVersion: number): Promise<boolean> {
  await q.query(MARKER_DDL);
  await q.query(MARKER_COLUMNS);
  const res = await q.query(
    `INSERT INTO ${PG_MARKER_TABLE} (id, created_by, schema_version) VALUES (1, $1, $2)
     ON CONFLICT (id) DO NOTHING`,
    [CREATED_BY, schemaVersion],
  );
  return (res.rowCount ?? 0) > 0;
}

export async function pgMarkerExists(q: Queryable): Promise<boolean> {
  const res = await q.query("SELECT to_regclass($1) IS NOT NULL AS present", [PG_MARKER_TABLE]);
  return res.rows[0].present === true;
}

/** The marker row, or null when the database carries no marker. */
export async function readPgMarker(q: Queryable): Promise<PgMarker | null> {
  if (!(await pgMarkerExists(q))) return null;
  const res = await q.query(`SELECT * FROM ${PG_MARKER_TABLE} WHERE id = 1`);
  const r = res.rows[0];
  if (!r) return null;
  return {
    createdBy: r.created_by,
    createdAt: r.created_at,
    schemaVersion: r.schema_version,
    indexSet: r.index_set,
    environment: r.environment ?? null,
    load:
      r.load_status === null
        ? null
        : {
            scale: r.load_scale,
            seed: Number(r.load_seed),
            status: r.load_status,
            rowCounts: r.load_row_counts ?? {},
            startedAt: r.load_started_at,
            finishedAt: r.load_finished_at,
            durationMs: r.load_duration_ms === null ? null : Number(r.load_duration_ms),
            changed:
              r.load_changed_at == null
                ? null
                : { at: r.load_changed_at, by: r.load_changed_by ?? "" },
          },
  };
}

export async function setActiveIndexSet(q: Queryable, name: string | null): Promise<void> {
  await q.query(`UPDATE ${PG_MARKER_TABLE} SET index_set = $1 WHERE id = 1`, [name]);
}

/** The loader calls this before it truncates/COPYs: the store reads as incomplete until done. */
export async function markLoadStarted(
  q: Queryable,
  load: { scale: string; seed: number; startedAt?: Date },
): Promise<void> {
  await q.query(
    `UPDATE ${PG_MARKER_TABLE}
        SET load_scale = $1, load_seed = $2, load_status = 'loading', load_row_counts = NULL,
            load_started_at = $3, load_finished_at = NULL, load_duration_ms = NULL
      WHERE id = 1`,
    [load.scale, load.seed, load.startedAt ?? new Date()],
  );
  // a load (or --reload) restores the data: it no longer differs from the load
  await q.query(MARKER_COLUMNS);
  await q.query(
    `UPDATE ${PG_MARKER_TABLE} SET load_changed_at = NULL, load_changed_by = NULL WHERE id = 1`,
  );
}

/** Write scenarios call this before they write: the data differs from the load until the next load. */
export async function markDataChanged(q: Queryable, by: string, at = new Date()): Promise<void> {
  await q.query(MARKER_COLUMNS);
  await q.query(
    `UPDATE ${PG_MARKER_TABLE} SET load_changed_at = $1, load_changed_by = $2 WHERE id = 1`,
    [at, by],
  );
}

/**
 * The guard of every write run: the target carries the harness's marker with
 * a load, and a target marked production is written only with --allow-writes.
 */
export function assertWritable(
  marker: PgMarker | null,
  opts: { allowWrites: boolean; target: string; scenarios: readonly string[] },
): void {
  const what = `write scenarios (${opts.scenarios.join(", ")})`;
  if (!marker || marker.createdBy !== CREATED_BY || !marker.load)
    throw new UsageError(
      `${what} write only to data bellyfed-bench loaded, and ${opts.target} carries no bellyfed-bench load; load data first: bellyfed-bench load --scale small`,
    );
  if (marker.environment === "production" && !opts.allowWrites)
    throw new UsageError(
      `${opts.target} is marked production: ${what} would change it; pass --allow-writes to write anyway`,
    );
}

/** The loader calls this once every table, index and foreign key is in place. */
export async function markLoadComplete(
  q: Queryable,
  done: { rowCounts: Record<string, number>; finishedAt?: Date },
): Promise<void> {
  const finishedAt = done.finishedAt ?? new Date();
  await q.query(
    `UPDATE ${PG_MARKER_TABLE}
        SET load_status = 'complete', load_row_counts = $1::jsonb, load_finished_at = $2,
            load_duration_ms = (EXTRACT(EPOCH FROM ($2::timestamptz - load_started_at)) * 1000)::bigint
      WHERE id = 1`,
    [JSON.stringify(done.rowCounts), finishedAt],
  );
}

/** Forgets the load (after a reset or a truncate). */
export async function clearLoadState(q: Queryable): Promise<void> {
  await q.query(
    `UPDATE ${PG_MARKER_TABLE}
        SET load_scale = NULL, load_seed = NULL, load_status = NULL, load_row_counts = NULL,
            load_started_at = NULL, load_finished_at = NULL, load_duration_ms = NULL
      WHERE id = 1`,
  );
}

export interface PgStoreState {
  database: string;
  marked: boolean;
  /** user tables (any non-system schema), schema-qualified, not counting the marker */
  tables: string[];
}

export async function inspectPgStore(q: Queryable): Promise<PgStoreState> {
  const db = await q.query("SELECT current_database() AS db");
  const res = await q.query(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        -- objects an extension owns (pg_stat_statements' views) are not user data
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1, 2`,
  );
  const tables = res.rows
    .filter((r) => r.name !== PG_MARKER_TABLE)
    .map((r) => `${r.schema}.${r.name}`);
  return { database: db.rows[0].db, marked: await pgMarkerExists(q), tables };
}

/**
 * The guard every drop, truncate or create-into must pass: the database
 * carries the marker, or holds no tables at all, or `force` is set. Otherwise a
 * UsageError names the database and the --force that overrides.
 *
 * `action` finishes the sentence "pass --force to ...", e.g. "drop them anyway";
 * `fix` replaces that sentence where the command printing it has no --force
 * (e.g. "to load into it anyway, run 'bellyfed-bench load ... --force'").
 */
export async function assertPgSafe(
  q: Queryable,
  opts: { force?: boolean; action: string; fix?: string },
): Promise<PgStoreState> {
  const state = await inspectPgStore(q);
  if (state.marked || state.tables.length === 0 || opts.force) return state;
  const shown = state.tables.slice(0, 3).join(", ");
  const more = state.tables.length > 3 ? ` and ${state.tables.length - 3} more` : "";
  throw new UsageError(
    `database ${state.database} holds tables bellyfed-bench did not create (${shown}${more}); ${opts.fix ?? `pass --force to ${opts.action}`}`,
  );
}

// ---------------------------------------------------------------- DynamoDB

export const DYNAMO_MARKER_TABLE = "BellyfedBenchMarker";

export function dynamoMarkerTableName(prefix: string): string {
  return `${prefix}${DYNAMO_MARKER_TABLE}`;
}

function isNotFound(e: unknown): boolean {
  return (e as { name?: string })?.name === "ResourceNotFoundException";
}

export async function dynamoTableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/** Creates `<prefix>BellyfedBenchMarker` (PK table_name S, on demand) if absent. */
export async function ensureDynamoMarkerTable(
  client: DynamoDBClient,
  prefix: string,
): Promise<boolean> {
  const name = dynamoMarkerTableName(prefix);
  if (await dynamoTableExists(client, name)) return false;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "table_name", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "table_name", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
        Tags: [{ Key: "bellyfed-bench", Value: "managed" }],
      }),
    );
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceInUseException") throw e;
  }
  await waitUntilTableExists({ client, maxWaitTime: 120 }, { TableName: name });
  return true;
}

/** One item of the prefix's marker table by its key; null when the table or the item is missing. */
export async function getMarkerItem(
  client: DynamoDBClient,
  prefix: string,
  key: string,
): Promise<Record<string, AttributeValue> | null> {
  try {
    const out = await client.send(
      new GetItemCommand({
        TableName: dynamoMarkerTableName(prefix),
        Key: { table_name: { S: key } },
        ConsistentRead: true,
      }),
    );
    return out.Item ?? null;
  } catch (e) {
    if ((e as { name?: string }).name === "ResourceNotFoundException") return null;
    throw e;
  }
}

/** Writes one item of the prefix's marker table (keyed by `key`), creating the table when missing. */
export async function putMarkerItem(
  client: DynamoDBClient,
  prefix: string,
  key: string,
  attributes: Record<string, AttributeValue>,
): Promise<void> {
  await ensureDynamoMarkerTable(client, prefix);
  await client.send(
    new PutItemCommand({
      TableName: dynamoMarkerTableName(prefix),
      Item: { table_name: { S: key }, ...attributes },
    }),
  );
}

/** Records that the harness created `tableName` (full name, prefix included). */
export async function markDynamoTable(
  client: DynamoDBClient,
  prefix: string,
  tableName: string,
  schemaVersion: number,
): Promise<void> {
  await ensureDynamoMarkerTable(client, prefix);
  await client.send(
    new PutItemCommand({
      TableName: dynamoMarkerTableName(prefix),
      Item: {
        table_name: { S: tableName },
        created_by: { S: CREATED_BY },
        created_at: { S: new Date().toISOString() },
        schema_version: { N: String(schemaVersion) },
      },
    }),
  );
}

export async function unmarkDynamoTable(
  client: DynamoDBClient,
  prefix: string,
  tableName: string,
): Promise<void> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: dynamoMarkerTableName(prefix),
        Key: { table_name: { S: tableName } },
      }),
    );
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** The full table names the marker table lists for this prefix. */
export async function listMarkedDynamoTables(
  client: DynamoDBClient,
  prefix: string,
): Promise<string[]> {
  const names: string[] = [];
  try {
    let start: Record<string, import("@aws-sdk/client-dynamodb").AttributeValue> | undefined;
    do {
      const out = await client.send(
        new ScanCommand({ TableName: dynamoMarkerTableName(prefix), ExclusiveStartKey: start }),
      );
      for (const item of out.Items ?? []) {
        // the loader's load state and the applied schema variant live here too (items with a
        // kind: "load-state", "dynamo-variant"): not table names
        if (item.table_name?.S && item.kind?.S === undefined) names.push(item.table_name.S);
      }
      start = out.LastEvaluatedKey;
    } while (start);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return names.sort();
}

/**
 * True when the harness created `tableName`: a marker item in
 * `<prefix>BellyfedBenchMarker`, or else the `bellyfed-bench=managed` tag
 * (where the endpoint supports tags).
 */
export async function isManagedTable(
  client: DynamoDBClient,
  tableName: string,
  prefix: string,
): Promise<boolean> {
  if (tableName === dynamoMarkerTableName(prefix)) return true;
  try {
    const out = await client.send(
      new GetItemCommand({
        TableName: dynamoMarkerTableName(prefix),
        Key: { table_name: { S: tableName } },
        ConsistentRead: true,
      }),
    );
    if (out.Item) return true;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  try {
    const desc = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const arn = desc.Table?.TableArn;
    if (!arn) return false;
    const tags = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    return (tags.Tags ?? []).some((t) => t.Key === "bellyfed-bench" && t.Value === "managed");
  } catch {
    // no such table, or an endpoint without tagging (DynamoDB Local)
    return false;
  }
}

/**
 * The guard for DynamoDB: every listed table that exists must be the
 * harness's, unless `force`. Returns the names that exist. `fix` replaces the
 * hint "pass --force to ..., or choose another --table-prefix" where the
 * command printing it has neither flag.
 */
export async function assertDynamoSafe(
  client: DynamoDBClient,
  prefix: string,
  tableNames: string[],
  opts: { force?: boolean; action: string; where?: string; fix?: string },
): Promise<{ existing: string[]; unmanaged: string[] }> {
  const existing: string[] = [];
  const unmanaged: string[] = [];
  for (const name of tableNames) {
    if (!(await dynamoTableExists(client, name))) continue;
    existing.push(name);
    if (!(await isManagedTable(client, name, prefix))) unmanaged.push(name);
  }
  if (unmanaged.length > 0 && !opts.force) {
    throw new UsageError(
      `DynamoDB ${opts.where ?? "endpoint"} holds tables bellyfed-bench did not create (${unmanaged.join(", ")}); ${opts.fix ?? `pass --force to ${opts.action}, or choose another --table-prefix`}`,
    );
  }
  return { existing, unmanaged };
}

/** Deletes the marker table of a prefix (after its tables are gone). */
export async function dropDynamoMarkerTable(client: DynamoDBClient, prefix: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: dynamoMarkerTableName(prefix) }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

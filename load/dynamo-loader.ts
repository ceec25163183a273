import { DescribeTableCommand, type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import pg from "pg";
import {
  appliedVariant,
  applyDynamoTables,
  assertDynamoSafe,
  type Billing,
  type DynamoVariant,
  dropDynamoTables,
  ON_DEMAND,
  tableNames,
} from "../schema/index.ts";
import { pgClientConfig } from "../stores/postgres.ts";
import type { PgTarget } from "../stores/types.ts";
import { BatchWriter, type CapacityTotals, type Item } from "./batch-writer.ts";
import { type DynamoLoadState, tableCreationTimes, writeDynamoState } from "./dynamo-state.ts";
import { streamRows } from "./pg-cursor.ts";
import type { LoadProgress } from "./progress.ts";
import { READ_MODEL_VERSION, READ_MODELS } from "./read-models.ts";

/**
 * Builds the three read models from the loaded PostgreSQL data and writes
 * them to DynamoDB: the prefix's tables are emptied by deleting and
 * recreating them (only tables the harness created; billing kept) while the
 * three models' SQL already runs (a connection each), and each model's rows
 * stream through a cursor into BatchWriteItem. Until the tables are ready the
 * writer holds at most `concurrency` batches and the cursors wait.
 */

export interface DynamoLoadOptions {
  client: DynamoDBClient;
  prefix: string;
  pg: PgTarget;
  scale: string;
  seed: number;
  /** the data's "now" (ISO, UTC): the end of the generated time window */
  nowIso: string;
  force?: boolean;
  concurrency?: number;
  progress?: LoadProgress;
  signal?: AbortSignal;
}

export interface DynamoLoadResult {
  itemCounts: Record<string, number>;
  capacity: CapacityTotals;
  requests: number;
  retries: number;
  throttles: number;
  durationMs: number;
  /**
   * from the tables being ready (reset done; the read-model SQL started with
   * the reset) to the last write: the span a bare BatchWriteItem loop over the
   * same items would take after the same reset
   */
  writeMs: number;
  /** from the first read-model query (started with the table reset) to the last write */
  queryToEndMs: number;
}

async function billingOf(client: DynamoDBClient, name: string): Promise<Billing | null> {
  try {
    const t = (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
    if (!t) return null;
    const p = t.ProvisionedThroughput;
    if (t.BillingModeSummary?.BillingMode === "PAY_PER_REQUEST" || !p?.ReadCapacityUnits)
      return ON_DEMAND;
    return {
      mode: "provisioned",
      readCapacityUnits: p.ReadCapacityUnits,
      writeCapacityUnits: p.WriteCapacityUnits ?? p.ReadCapacityUnits,
    };
  } catch (e) {
    if ((e as { name?: string }).name === "ResourceNotFoundException") return null;
    throw e;
  }
}

async function isEmpty(client: DynamoDBClient, name: string): Promise<boolean> {
  const out = await client.send(new ScanCommand({ TableName: name, Limit: 1 }));
  return (out.Items ?? []).length === 0 && !out.LastEvaluatedKey;
}

/**
 * Empties the prefix's three tables (recreating those that hold items) and
 * makes sure they exist, in the schema variant applied (kept across the drop).
 */
export async function resetDynamoTables(
  client: DynamoDBClient,
  prefix: string,
  force = false,
  variant?: DynamoVariant,
): Promise<void> {
  const names = tableNames(prefix);
  const { existing, unmanaged } = await assertDynamoSafe(client, prefix, names, {
    force,
    action: "replace their items anyway",
  });
  let billing: Billing = ON_DEMAND;
  // tables bellyfed-bench did not create (allowed by force) are replaced, whatever their keys
  let dirty = unmanaged.length > 0;
  for (const name of existing) {
    billing = (await billingOf(client, name)) ?? billing;
    if (!(await isEmpty(client, name))) dirty = true;
  }
  const applied = variant ?? (await appliedVariant(client, prefix));
  if (dirty) await dropDynamoTables(client, { prefix, force });
  await applyDynamoTables(client, { prefix, billing, force, variant: applied });
}

export async function loadDynamo(opts: DynamoLoadOptions): Promise<DynamoLoadResult> {
  const t0 = Date.now();
  const { client, prefix } = opts;
  const state: DynamoLoadState = {
    scale: opts.scale,
    seed: opts.seed,
    modelVersion: READ_MODEL_VERSION,
    status: "loading",
    itemCounts: {},
    startedAt: new Date(t0).toISOString(),
    finishedAt: null,
    durationMs: null,
    tablesCreated: {},
  };
  // the items take the shape of the schema variant applied (schema apply --dynamo-variant)
  const variant = await appliedVariant(client, prefix);
  state.variant = variant.name;
  await writeDynamoState(client, prefix, state);

  const q0 = performance.now();
  let readyAt = q0;
  const ready = resetDynamoTables(client, prefix, opts.force, variant).then(() => {
    readyAt = performance.now();
  });
  // the models' progress ends when their last item is written, not when all are
  const written: Record<string, number> = {};
  const counts: Record<string, number> = {};
  const writer = new BatchWriter(client, {
    concurrency: opts.concurrency ?? 16,
    signal: opts.signal,
    startAfter: ready,
    onWritten: (table, n) => {
      const name = table.slice(prefix.length);
      written[name] = (written[name] ?? 0) + n;
      opts.progress?.update(name, n, 0);
      if (counts[name] === written[name]) opts.progress?.finish(name);
    },
  });
  // the data's now as a TIMESTAMP literal (UTC, no zone)
  const nowTs = opts.nowIso.replace("Z", "");
  // the three models stream at once (a connection each), so the aggregates of
  // one are computed while the items of another are written; the writer keeps
  // `concurrency` requests in flight across all three
  const settled = await Promise.allSettled([
    ready,
    ...READ_MODELS.map(async (model) => {
      const pgClient = new pg.Client(pgClientConfig(opts.pg));
      pgClient.on("error", () => {});
      await pgClient.connect();
      try {
        // every row is read: plan for the whole result, and keep each model's
        // SQL on one core (the DynamoDB writes need the others)
        await pgClient.query(
          "SET cursor_tuple_fraction = 1; SET max_parallel_workers_per_gather = 0",
        );
        const table = `${prefix}${model.table}`;
        let total = 0;
        if (model.countSql) total = Number((await pgClient.query(model.countSql)).rows[0].n);
        opts.progress?.add(model.table, total);
        let batch: Item[] = [];
        const n = await streamRows<never>(
          pgClient,
          model.sql,
          model.params(nowTs),
          async (rows) => {
            for (const r of rows) {
              batch.push(model.toItem(r, opts.nowIso, variant));
              if (batch.length === 25) {
                await writer.put(table, batch);
                batch = [];
              }
            }
            if (opts.signal?.aborted) throw opts.signal.reason;
          },
        );
        if (batch.length > 0) await writer.put(table, batch);
        counts[model.table] = n;
        if ((written[model.table] ?? 0) === n) opts.progress?.finish(model.table);
      } finally {
        await pgClient.end().catch(() => {});
      }
    }),
  ]);
  // on a failure the requests still in flight end first; then the first
  // failure in the order it matters (the reset, then the models) is thrown
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) {
    await writer.flush().catch(() => {});
    throw failed.reason;
  }
  await writer.flush();
  const end = performance.now();
  const writeMs = Math.round(end - readyAt);
  const queryToEndMs = Math.round(end - q0);
  const created = await tableCreationTimes(client, tableNames(prefix));
  const finished = Date.now();
  await writeDynamoState(client, prefix, {
    ...state,
    status: "complete",
    itemCounts: counts,
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - t0,
    tablesCreated: Object.fromEntries(Object.entries(created).map(([k, v]) => [k, v ?? 0])),
  });
  return {
    itemCounts: counts,
    capacity: writer.capacity,
    requests: writer.requests,
    retries: writer.retries,
    throttles: writer.throttles,
    durationMs: finished - t0,
    writeMs,
    queryToEndMs,
  };
}

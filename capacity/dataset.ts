import { cpus, totalmem } from "node:os";
import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ScanCommand,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { createDynamoClient } from "../stores/dynamo.ts";
import { indexItem, itemSize, tableShape } from "../stores/dynamo-units.ts";
import {
  dynamoMarkerTableName,
  PG_MARKER_TABLE,
  type Queryable,
  readPgMarker,
} from "../stores/markers.ts";
import { pgClientConfig } from "../stores/postgres.ts";
import type { DynamoTarget, Endpoints } from "../stores/types.ts";
import { findLocalServer } from "./proc-cpu.ts";
import type { SweepDataset, SweepMachine } from "./types.ts";

/**
 * What a capacity sweep ran on: the data (sizes of every PostgreSQL table and
 * DynamoDB table and GSI) and the machine.
 */

/** Tables at most this big (heap) are counted exactly; larger ones take the planner's estimate. */
const EXACT_COUNT_BYTES = 256 * 1024 * 1024;

type PgTable = SweepDataset["pgTables"][number] & {
  /** the row count is pg_class.reltuples (the table is large), not count(*) (added by the cost helper) */
  rowsEstimated?: boolean;
};
type DynamoTable = SweepDataset["dynamoTables"][number] & {
  /** where items and bytes come from: DescribeTable, or a Scan sizing every item (added by the cost helper) */
  source: "describe" | "scan";
};

async function pgTables(q: Queryable): Promise<PgTable[]> {
  const res = await q.query(
    `SELECT c.relname AS name, pg_table_size(c.oid) AS heap, pg_indexes_size(c.oid) AS idx,
            c.reltuples AS estimate
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> $1
        AND NOT c.relispartition
      ORDER BY c.relname`,
    [PG_MARKER_TABLE],
  );
  const out: PgTable[] = [];
  for (const r of res.rows) {
    const tableBytes = Number(r.heap);
    const t: PgTable = { table: r.name, rows: 0, tableBytes, indexBytes: Number(r.idx) };
    if (tableBytes <= EXACT_COUNT_BYTES) {
      const c = await q.query(`SELECT count(*)::bigint AS n FROM "${r.name}"`);
      t.rows = Number(c.rows[0].n);
    } else {
      t.rows = Math.max(0, Number(r.estimate));
      t.rowsEstimated = true;
    }
    out.push(t);
  }
  return out;
}

/** Items and bytes of a table and its GSIs by a Scan: every item and index item sized by AWS's rules (without the 100 bytes of storage overhead per item). */
async function scanSizes(client: DynamoDBClient, t: TableDescription) {
  const shape = tableShape(t);
  const gsis = shape.gsis.map((g) => ({ name: g.name, items: 0, bytes: 0 }));
  let items = 0;
  let bytes = 0;
  let key: Record<string, AttributeValue> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: t.TableName, ExclusiveStartKey: key }),
    );
    for (const item of out.Items ?? []) {
      items++;
      bytes += itemSize(item);
      shape.gsis.forEach((g, i) => {
        const ix = indexItem(item, shape, g);
        if (ix) {
          gsis[i].items++;
          gsis[i].bytes += itemSize(ix);
        }
      });
    }
    key = out.LastEvaluatedKey;
  } while (key);
  return { items, bytes, gsis };
}

async function dynamoTables(target: DynamoTarget): Promise<DynamoTable[]> {
  const client = createDynamoClient(target, 4);
  const marker = dynamoMarkerTableName(target.tablePrefix);
  try {
    const names: string[] = [];
    let start: string | undefined;
    do {
      const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      for (const n of out.TableNames ?? [])
        if (n.startsWith(target.tablePrefix) && n !== marker) names.push(n);
      start = out.LastEvaluatedTableName;
    } while (start);
    const out: DynamoTable[] = [];
    // DynamoDB Local's DescribeTable sizes a GSI as whole items whatever it projects:
    // off AWS, size every item (and index item) by the rules instead
    const describe = target.source === "env" && target.endpoint === undefined;
    for (const name of names.sort()) {
      const t = (await client.send(new DescribeTableCommand({ TableName: name }))).Table!;
      const short = name.slice(target.tablePrefix.length);
      if (describe) {
        out.push({
          table: short,
          items: t.ItemCount ?? 0,
          bytes: t.TableSizeBytes ?? 0,
          gsis: (t.GlobalSecondaryIndexes ?? []).map((g) => ({
            name: g.IndexName!,
            items: g.ItemCount ?? 0,
            bytes: g.IndexSizeBytes ?? 0,
          })),
          source: "describe",
        });
      } else {
        out.push({ table: short, ...(await scanSizes(client, t)), source: "scan" });
      }
    }
    return out;
  } finally {
    client.destroy();
  }
}

/**
 * The data a sweep runs on: the loaded scale (the load marker; else the
 * scale the caller names, else "unknown") and users, every PostgreSQL table of the schema with its rows
 * and pg_total_relation_size split into table (heap, TOAST, maps) and
 * indexes, and every DynamoDB table of the run's prefix with its GSIs' items
 * and bytes: on AWS from DescribeTable (refreshed about every six hours),
 * elsewhere from a Scan sizing every item and index item by the rules
 * (DynamoDB Local's DescribeTable counts a GSI's bytes as whole items, whatever
 * the index projects). Bytes are the items' sizes; AWS's storage adds 100
 * bytes per item, in the table and in each GSI.
 */
export async function measureDataset(
  endpoints: Endpoints,
  /** the data the caller loaded: its scale stands where the database carries no load marker */
  data?: { scale: string; seed: number },
): Promise<SweepDataset> {
  const c = new pg.Client(pgClientConfig(endpoints.pg));
  await c.connect();
  let scale = data?.scale ?? "unknown";
  let tables: PgTable[];
  try {
    const marker = await readPgMarker(c);
    if (marker?.load) scale = marker.load.scale;
    tables = await pgTables(c);
  } finally {
    await c.end();
  }
  return {
    scale,
    users: tables.find((t) => t.table === "users")?.rows ?? 0,
    pgTables: tables,
    dynamoTables: await dynamoTables(endpoints.dynamo),
  };
}

function dynamoEndpoint(t: DynamoTarget): SweepMachine["dynamoEndpoint"] {
  if (t.source === "embedded-jar" || t.source === "docker") return "dynamodb-local";
  if (t.source === "dynalite") return "dynalite";
  return t.endpoint ?? "aws";
}

/**
 * The machine a sweep ran on. `sharedCores` is true when PostgreSQL runs
 * here: the load generator and the server then compete for the same cores,
 * so a knee is where they compete, not the server's limit.
 */
export async function describeMachine(endpoints: Endpoints): Promise<SweepMachine> {
  const c = new pg.Client(pgClientConfig(endpoints.pg));
  await c.connect();
  try {
    const version = String((await c.query("SHOW server_version")).rows[0].server_version);
    const local = await findLocalServer(c, endpoints.pg);
    const list = cpus();
    return {
      cpus: list.length,
      cpuModel: list[0]?.model.trim() ?? "unknown",
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      pgLocal: local.ok,
      sharedCores: local.ok,
      postgresVersion: version,
      dynamoEndpoint: dynamoEndpoint(endpoints.dynamo),
    };
  } finally {
    await c.end();
  }
}

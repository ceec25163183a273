import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTableCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from "@aws-sdk/client-dynamodb";
import { UsageError } from "../../core/errors.ts";
import {
  assertDynamoSafe,
  dropDynamoMarkerTable,
  dynamoMarkerTableName,
  isManagedTable,
  listMarkedDynamoTables,
  markDynamoTable,
  unmarkDynamoTable,
} from "../../stores/markers.ts";
import { SCHEMA_VERSION } from "../postgres/tables.ts";
import {
  type Billing,
  createTableInput,
  DYNAMO_TABLES,
  type DynamoTableDef,
  ON_DEMAND,
} from "./tables.ts";
import {
  appliedVariant,
  type DynamoVariant,
  forgetVariant,
  readVariantName,
  recordVariant,
} from "./variants/index.ts";

/** Applying, inspecting and dropping the three DynamoDB tables under a name prefix. */

export interface ApplyDynamoOptions {
  prefix?: string;
  billing?: Billing;
  /** use tables of these names that the harness did not create */
  force?: boolean;
  /** the schema variant to create (default: the one recorded for the prefix, else the design) */
  variant?: DynamoVariant;
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | null> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table ?? null;
  } catch (e) {
    if ((e as { name?: string }).name === "ResourceNotFoundException") return null;
    throw e;
  }
}

export function tableNames(prefix = ""): string[] {
  return DYNAMO_TABLES.map((d) => `${prefix}${d.name}`);
}

function keyText(keys: { AttributeName?: string; KeyType?: string }[] | undefined): string {
  return (keys ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(",");
}

/** Differences between a live table and its design (keys, GSIs, projections); [] when equal. */
export function compareToDesign(def: DynamoTableDef, t: TableDescription): string[] {
  const diffs: string[] = [];
  if (keyText(t.KeySchema) !== keyText(def.keySchema)) diffs.push("primary key");
  const types = new Map(
    (t.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]),
  );
  for (const a of def.attributes) {
    if (types.get(a.AttributeName) !== a.AttributeType) diffs.push(`type of ${a.AttributeName}`);
  }
  const live = new Map((t.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName, g]));
  for (const g of def.gsis) {
    const l = live.get(g.name);
    if (!l) diffs.push(`missing GSI ${g.name}`);
    else {
      if (keyText(l.KeySchema) !== keyText(g.keySchema)) diffs.push(`keys of GSI ${g.name}`);
      if (l.Projection?.ProjectionType !== g.projection.ProjectionType)
        diffs.push(`projection of GSI ${g.name}`);
    }
  }
  for (const name of live.keys()) {
    if (!def.gsis.some((g) => g.name === name)) diffs.push(`extra GSI ${name}`);
  }
  const lsis = def.lsis ?? [];
  const liveLsis = new Map((t.LocalSecondaryIndexes ?? []).map((l) => [l.IndexName, l]));
  for (const l of lsis) {
    const x = liveLsis.get(l.name);
    if (!x) diffs.push(`missing LSI ${l.name}`);
    else if (keyText(x.KeySchema) !== keyText(l.keySchema)) diffs.push(`keys of LSI ${l.name}`);
  }
  for (const name of liveLsis.keys()) {
    if (!lsis.some((l) => l.name === name)) diffs.push(`extra LSI ${name}`);
  }
  return diffs;
}

function billingOf(t: TableDescription): Billing {
  if (t.BillingModeSummary?.BillingMode === "PAY_PER_REQUEST") return ON_DEMAND;
  // DynamoDB Local reports on-demand tables with zero throughput and sometimes no summary
  const p = t.ProvisionedThroughput;
  if (!t.BillingModeSummary && !p?.ReadCapacityUnits) return ON_DEMAND;
  return {
    mode: "provisioned",
    readCapacityUnits: p?.ReadCapacityUnits ?? 0,
    writeCapacityUnits: p?.WriteCapacityUnits ?? 0,
  };
}

export function billingText(b: Billing): string {
  return b.mode === "on-demand"
    ? "on-demand"
    : `provisioned ${b.readCapacityUnits} RCU / ${b.writeCapacityUnits} WCU`;
}

/**
 * Creates the missing tables (tagged and marked), switches billing where it
 * differs, and refuses tables of these names the harness did not create
 * (unless `force`) or whose keys differ from the design.
 */
export async function applyDynamoTables(
  client: DynamoDBClient,
  opts: ApplyDynamoOptions = {},
): Promise<string[]> {
  const prefix = opts.prefix ?? "";
  const billing = opts.billing ?? ON_DEMAND;
  const { unmanaged } = await assertDynamoSafe(client, prefix, tableNames(prefix), {
    force: opts.force,
    action: "use them anyway",
  });
  const variant = opts.variant ?? (await appliedVariant(client, prefix));
  const recorded = await readVariantName(client, prefix);
  const changes: string[] = [];
  for (const def of variant.tables) {
    const input = createTableInput(def, { prefix, billing });
    const name = input.TableName!;
    const live = await describe(client, name);
    if (!live) {
      await client.send(new CreateTableCommand(input));
      await waitUntilTableExists({ client, maxWaitTime: 300 }, { TableName: name });
      await markDynamoTable(client, prefix, name, SCHEMA_VERSION);
      changes.push(`created DynamoDB table ${name} (${billingText(billing)})`);
      continue;
    }
    const diffs = compareToDesign(def, live);
    if (diffs.length > 0) {
      throw new UsageError(
        `DynamoDB table ${name} differs from the ${variant.name === "design" ? "design" : `variant ${variant.name}`} (${diffs.join(", ")}${recorded && recorded !== variant.name ? `; it was applied as ${recorded}` : ""}); ${
          variant.name === "design" && !opts.variant
            ? `drop the harness's DynamoDB tables (the next load or schema apply recreates them): bellyfed-bench schema reset --only dynamo${prefix ? ` --table-prefix ${prefix}` : ""}`
            : `drop the harness's DynamoDB tables and apply the variant (then load again): bellyfed-bench schema reset --only dynamo${prefix ? ` --table-prefix ${prefix}` : ""} --yes && bellyfed-bench schema apply --only dynamo${prefix ? ` --table-prefix ${prefix}` : ""} --dynamo-variant ${variant.name}`
        }`,
      );
    }
    if (!unmanaged.includes(name) && !(await isManagedTable(client, name, prefix))) {
      await markDynamoTable(client, prefix, name, SCHEMA_VERSION);
    }
    const current = billingOf(live);
    if (billingText(current) !== billingText(billing)) {
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          BillingMode: input.BillingMode,
          ProvisionedThroughput: input.ProvisionedThroughput,
          GlobalSecondaryIndexUpdates:
            billing.mode === "provisioned" && def.gsis.length > 0
              ? def.gsis.map((g) => ({
                  Update: { IndexName: g.name, ProvisionedThroughput: input.ProvisionedThroughput },
                }))
              : undefined,
        }),
      );
      await waitUntilTableExists({ client, maxWaitTime: 300 }, { TableName: name });
      changes.push(`billing of ${name}: ${billingText(current)} -> ${billingText(billing)}`);
    }
  }
  // nothing recorded reads as the design: record only a change
  if ((recorded ?? "design") !== variant.name) {
    await recordVariant(client, prefix, variant);
    changes.push(`DynamoDB schema variant: ${variant.name}`);
  }
  return changes;
}

export interface DynamoTableStatus {
  name: string;
  exists: boolean;
  managed: boolean;
  status?: string;
  itemCount?: number;
  billing?: string;
  keys?: string;
  gsis: { name: string; status: string; keys: string; projection: string }[];
  /** local secondary indexes (a variant's; the design has none) */
  lsis?: { name: string; keys: string; projection: string }[];
  /** differences from the design; empty when it matches */
  diffs: string[];
}

export async function dynamoSchemaStatus(
  client: DynamoDBClient,
  prefix = "",
): Promise<DynamoTableStatus[]> {
  const out: DynamoTableStatus[] = [];
  const variant = await appliedVariant(client, prefix);
  for (const def of variant.tables) {
    const name = `${prefix}${def.name}`;
    const t = await describe(client, name);
    if (!t) {
      out.push({ name, exists: false, managed: false, gsis: [], diffs: [] });
      continue;
    }
    out.push({
      name,
      exists: true,
      managed: await isManagedTable(client, name, prefix),
      status: t.TableStatus,
      itemCount: t.ItemCount,
      billing: billingText(billingOf(t)),
      keys: keyText(t.KeySchema),
      gsis: (t.GlobalSecondaryIndexes ?? []).map((g) => ({
        name: g.IndexName ?? "?",
        status: g.IndexStatus ?? "?",
        keys: keyText(g.KeySchema),
        projection: g.Projection?.ProjectionType ?? "?",
      })),
      lsis: (t.LocalSecondaryIndexes ?? []).map((l) => ({
        name: l.IndexName ?? "?",
        keys: keyText(l.KeySchema),
        projection: l.Projection?.ProjectionType ?? "?",
      })),
      diffs: compareToDesign(def, t),
    });
  }
  return out;
}

/**
 * Deletes the three tables under `prefix` (and the prefix's marker table once
 * nothing marked is left). Refuses tables the harness did not create unless
 * `force`.
 */
export async function dropDynamoTables(
  client: DynamoDBClient,
  opts: { prefix?: string; force?: boolean } = {},
): Promise<string[]> {
  const prefix = opts.prefix ?? "";
  const { existing } = await assertDynamoSafe(client, prefix, tableNames(prefix), {
    force: opts.force,
    action: "delete them anyway",
  });
  const changes: string[] = [];
  for (const name of existing) {
    await client.send(new DeleteTableCommand({ TableName: name }));
    await waitUntilTableNotExists({ client, maxWaitTime: 300 }, { TableName: name });
    await unmarkDynamoTable(client, prefix, name);
    changes.push(`deleted DynamoDB table ${name}`);
  }
  await forgetVariant(client, prefix);
  const markerName = dynamoMarkerTableName(prefix);
  if (
    (await describe(client, markerName)) &&
    (await listMarkedDynamoTables(client, prefix)).length === 0
  ) {
    await dropDynamoMarkerTable(client, prefix);
    await waitUntilTableNotExists({ client, maxWaitTime: 300 }, { TableName: markerName });
    changes.push(`deleted DynamoDB table ${markerName}`);
  }
  return changes;
}

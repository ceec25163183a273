import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DeleteItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { UsageError } from "../../../core/errors.ts";
import { dynamoMarkerTableName, getMarkerItem, putMarkerItem } from "../../../stores/markers.ts";
import { DESIGN_VARIANT } from "./design.ts";
import { INFLUENCE_SHARDED } from "./influence-sharded.ts";
import { LEADERBOARDS_BY_ENTITY_VARIANT } from "./leaderboards-by-entity.ts";
import type { DynamoVariant, VariantEntry } from "./types.ts";

export * from "./design.ts";
export * from "./influence-sharded.ts";
export * from "./leaderboards-by-entity.ts";
export type * from "./types.ts";

/**
 * The DynamoDB schema variants by name: the built-in ones, then those of the
 * module named by `BELLYFED_DYNAMO_VARIANTS=FILE` (a module exporting
 * `DYNAMO_VARIANTS`: an array of DynamoVariant or VariantEntry objects; see
 * the README's "DynamoDB schema variants"). `schema apply --dynamo-variant
 * NAME` applies one and records its name in the prefix's marker table; the
 * loader, the projector and the scenarios read the record.
 */

export const BUILTIN_VARIANTS: readonly VariantEntry[] = [
  { name: DESIGN_VARIANT.name, description: DESIGN_VARIANT.description, variant: DESIGN_VARIANT },
  INFLUENCE_SHARDED,
  {
    name: LEADERBOARDS_BY_ENTITY_VARIANT.name,
    description: LEADERBOARDS_BY_ENTITY_VARIANT.description,
    variant: LEADERBOARDS_BY_ENTITY_VARIANT,
  },
];

export const VARIANTS_ENV = "BELLYFED_DYNAMO_VARIANTS";

const NAME_RE = /^[a-z0-9][a-z0-9-]*$/;

function asEntry(v: unknown, file: string): VariantEntry {
  const o = v as Partial<VariantEntry & DynamoVariant>;
  const variant = (o.variant ?? o) as Partial<DynamoVariant>;
  const ok =
    typeof o.name === "string" &&
    NAME_RE.test(o.name) &&
    Array.isArray(variant.tables) &&
    typeof variant.influencePartition === "function" &&
    Array.isArray(variant.influencePartitions) &&
    variant.influencePartitions.length > 0 &&
    (variant.leaderboards?.keyedBy === "rank" || variant.leaderboards?.keyedBy === "entity");
  if (!ok)
    throw new UsageError(
      `${VARIANTS_ENV}=${file}: DYNAMO_VARIANTS holds an entry that is not a DynamoVariant (name of lowercase letters, digits and '-'; tables; influencePartition(); influencePartitions; leaderboards.keyedBy); fix it as the README's "DynamoDB schema variants" shows`,
    );
  return {
    name: o.name as string,
    description: typeof o.description === "string" ? o.description : "",
    variant: variant as DynamoVariant,
    withArgument: o.variant ? o.withArgument : undefined,
  };
}

let cached: { env: string | undefined; entries: VariantEntry[] } | undefined;

/** The built-in variants and the user's (BELLYFED_DYNAMO_VARIANTS), names unique. */
export async function loadVariants(): Promise<VariantEntry[]> {
  const file = process.env[VARIANTS_ENV] || undefined;
  if (cached && cached.env === file) return cached.entries;
  const entries = [...BUILTIN_VARIANTS];
  if (file) {
    let mod: { DYNAMO_VARIANTS?: unknown };
    try {
      mod = await import(pathToFileURL(resolve(file)).href);
    } catch (e) {
      throw new UsageError(
        `cannot load the DynamoDB variants of ${VARIANTS_ENV}=${file}: ${(e as Error).message.split("\n")[0]}; point it at a module exporting DYNAMO_VARIANTS`,
      );
    }
    if (!Array.isArray(mod.DYNAMO_VARIANTS))
      throw new UsageError(
        `${VARIANTS_ENV}=${file} exports no DYNAMO_VARIANTS array; export one (see the README's "DynamoDB schema variants")`,
      );
    for (const raw of mod.DYNAMO_VARIANTS) {
      const e = asEntry(raw, file);
      if (entries.some((x) => x.name === e.name))
        throw new UsageError(
          `${VARIANTS_ENV}=${file}: variant '${e.name}' is already defined; give it another name`,
        );
      entries.push(e);
    }
  }
  cached = { env: file, entries };
  return entries;
}

/** `NAME` or `NAME:ARG` -> the variant; otherwise one line listing the known names. */
export async function resolveVariant(name: string): Promise<DynamoVariant> {
  const entries = await loadVariants();
  const colon = name.indexOf(":");
  const base = colon < 0 ? name : name.slice(0, colon);
  const entry = entries.find((e) => e.name === base);
  if (entry && colon < 0) return entry.variant;
  if (entry?.withArgument) return entry.withArgument(name.slice(colon + 1));
  const known = entries.map((e) => (e.withArgument ? `${e.name}[:N]` : e.name)).join(", ");
  throw new UsageError(
    `--dynamo-variant '${name}' is not a DynamoDB schema variant (known: ${known}); e.g. bellyfed-bench schema apply --only dynamo --dynamo-variant influence-sharded`,
  );
}

// ------------------------------------------------------------ the record

/** The marker-table item that records a prefix's applied variant (kind "dynamo-variant"). */
export function variantKey(prefix: string): string {
  return `${prefix}#dynamo-variant`;
}

/** The variant name recorded for the prefix, or null (none recorded: the design). */
export async function readVariantName(
  client: DynamoDBClient,
  prefix: string,
): Promise<string | null> {
  return (await getMarkerItem(client, prefix, variantKey(prefix)))?.variant?.S ?? null;
}

export async function recordVariant(
  client: DynamoDBClient,
  prefix: string,
  variant: DynamoVariant,
): Promise<void> {
  await putMarkerItem(client, prefix, variantKey(prefix), {
    kind: { S: "dynamo-variant" },
    variant: { S: variant.name },
    applied_at: { S: new Date().toISOString() },
  });
}

export async function forgetVariant(client: DynamoDBClient, prefix: string): Promise<void> {
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: dynamoMarkerTableName(prefix),
        Key: { table_name: { S: variantKey(prefix) } },
      }),
    );
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
  }
}

/**
 * The variant applied under the prefix (the design when none is recorded).
 * A recorded name this process does not know (a user's variant without its
 * BELLYFED_DYNAMO_VARIANTS) is a UsageError saying so.
 */
export async function appliedVariant(
  client: DynamoDBClient,
  prefix: string,
): Promise<DynamoVariant> {
  const name = await readVariantName(client, prefix);
  if (name === null) return DESIGN_VARIANT;
  try {
    return await resolveVariant(name);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    throw new UsageError(
      `the DynamoDB tables${prefix ? ` under prefix ${prefix}` : ""} were applied with variant '${name}', which this process does not know; set ${VARIANTS_ENV} to the module that defines it, or start over: bellyfed-bench schema reset --only dynamo --yes`,
    );
  }
}

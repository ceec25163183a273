import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { assertDynamoSafe, assertPgSafe, type Queryable } from "../stores/markers.ts";
import { dropDynamoTables, tableNames } from "./dynamodb/apply.ts";
import { dropPgSchema } from "./postgres/apply.ts";

/**
 * Drops everything the harness created in the stores given, after checking
 * both guards first, so a refusal in one store leaves the other untouched.
 */
export async function dropAll(opts: {
  pg?: Queryable;
  dynamo?: DynamoDBClient;
  prefix?: string;
  force?: boolean;
}): Promise<string[]> {
  const prefix = opts.prefix ?? "";
  if (opts.pg)
    await assertPgSafe(opts.pg, { force: opts.force, action: "drop the design's tables anyway" });
  if (opts.dynamo) {
    await assertDynamoSafe(opts.dynamo, prefix, tableNames(prefix), {
      force: opts.force,
      action: "delete them anyway",
    });
  }
  const changes: string[] = [];
  if (opts.pg) changes.push(...(await dropPgSchema(opts.pg, { force: opts.force })));
  if (opts.dynamo)
    changes.push(...(await dropDynamoTables(opts.dynamo, { prefix, force: opts.force })));
  return changes;
}

import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { UsageError } from "../../core/errors.ts";
import type { DynamoStore } from "../../stores/dynamo.ts";
import { LOAD_HINT } from "./pools.ts";

/**
 * Setup only: the partition keys of a table with the number of items under
 * each, from a Scan that projects just the key (the read models are small:
 * a few items per city, dish type or leaderboard).
 */
export async function partitionSizes(
  dynamo: DynamoStore,
  scenario: string,
  table: string,
  keyAttribute: string,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.doc.send(
      new ScanCommand({
        TableName: dynamo.table(table),
        ProjectionExpression: "#k",
        ExpressionAttributeNames: { "#k": keyAttribute },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const k = String(item[keyAttribute]);
      sizes.set(k, (sizes.get(k) ?? 0) + 1);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  if (sizes.size === 0)
    throw new UsageError(
      `${scenario}: DynamoDB table ${dynamo.table(table)} is empty; ${LOAD_HINT}`,
    );
  return sizes;
}

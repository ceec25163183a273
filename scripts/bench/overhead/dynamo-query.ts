import type { Rng, Scenario } from "../../../engine/scenario.ts";
import type { DynamoStore } from "../../../stores/dynamo.ts";

/** The overhead benchmark's DynamoDB table (created and deleted by the benchmark). */
export const OVERHEAD_TABLE = "BellyfedBenchOverhead";
export const OVERHEAD_KEYS = 200;

/**
 * The overhead benchmark's DynamoDB operation: a Query of one partition
 * (10 items) through the harness's DynamoStore.
 */
interface State {
  dynamo: DynamoStore;
  table: string;
}

const scenario: Scenario<State, string> = {
  name: "overhead-dynamo-query",
  description: "DynamoDB Query of one 10-item partition",
  stores: ["dynamodb"],
  async setup(ctx) {
    return { dynamo: ctx.dynamo!, table: ctx.dynamo!.table(OVERHEAD_TABLE) };
  },
  sample(_state: State, rng: Rng): string {
    return `k${Math.floor(rng.next() * OVERHEAD_KEYS)}`;
  },
  async operation(state: State, pk: string): Promise<void> {
    await state.dynamo.query({
      TableName: state.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
    });
  },
};

export default scenario;

import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LEADERBOARDS_TABLE } from "../../schema/index.ts";
import { runSchema } from "../../scripts/commands/schema.ts";
import { createDynamoClient } from "../../stores/dynamo.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * `schema apply --only dynamo --dynamo-variant NAME` applies each built-in
 * variant and a user's (BELLYFED_DYNAMO_VARIANTS), records it (schema status
 * names it, a plain apply keeps it), and refuses to switch tables whose keys
 * differ without a reset.
 */
let scratch: Scratch;
const FIXTURE = new URL("./fixtures/user-variants.ts", import.meta.url).pathname;

async function schema(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runSchema(args, {
    out: (l) => lines.push(l),
    endpoints: async () => scratch,
    interactive: false,
  });
  return { code, lines };
}

beforeAll(async () => {
  scratch = await scratchStores("variant_apply");
  process.env.BELLYFED_DYNAMO_VARIANTS = FIXTURE;
});

afterAll(async () => {
  delete process.env.BELLYFED_DYNAMO_VARIANTS;
  await scratch?.cleanup();
});

it("applies, records and keeps each variant; a key change needs a reset", async () => {
  const client = createDynamoClient(scratch.dynamo);
  const keysOf = async () => {
    const t = await client.send(
      new DescribeTableCommand({ TableName: `${scratch.dynamo.tablePrefix}${LEADERBOARDS_TABLE}` }),
    );
    return {
      keys: t.Table?.KeySchema?.map((k) => k.AttributeName),
      lsis: t.Table?.LocalSecondaryIndexes?.map((l) => l.IndexName) ?? [],
    };
  };
  try {
    for (const name of [
      "design",
      "influence-sharded:4",
      "three-shards",
      "leaderboards-by-entity",
    ]) {
      await schema(["reset", "--only", "dynamo", "--yes"]);
      const applied = await schema(["apply", "--only", "dynamo", "--dynamo-variant", name]);
      expect(applied.code).toBe(0);
      if (name !== "design") expect(applied.lines).toContain(`  DynamoDB schema variant: ${name}`);
      const status = await schema(["status", "--only", "dynamo"]);
      expect(status.lines.join("\n")).toContain(`schema variant ${name}`);
      expect(status.lines.join("\n")).not.toContain("differs from");
      // a plain apply keeps the recorded variant and changes nothing
      const again = await schema(["apply", "--only", "dynamo"]);
      expect(again.lines.at(-1)).toMatch(/^schema is up to date/);
      const k = await keysOf();
      if (name === "leaderboards-by-entity") {
        expect(k.keys).toEqual(["leaderboard_type", "entity_id"]);
        expect(k.lsis).toEqual(["ScoreOrderIndex"]);
      } else {
        expect(k.keys).toEqual(["leaderboard_type", "rank"]);
        expect(k.lsis).toEqual([]);
      }
    }
    // the tables are by entity now: the design's keys differ, so apply refuses and names the reset
    await expect(
      schema(["apply", "--only", "dynamo", "--dynamo-variant", "design"]),
    ).rejects.toThrow(
      /BellyfedLeaderboards differs from the design \(primary key.*it was applied as leaderboards-by-entity\); .*bellyfed-bench schema reset --only dynamo.* --yes && bellyfed-bench schema apply --only dynamo.* --dynamo-variant design$/,
    );
    expect((await schema(["status", "--only", "dynamo"])).lines.join("\n")).toContain(
      "schema variant leaderboards-by-entity",
    );
  } finally {
    client.destroy();
  }
});

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import { counts, running, sent } from "../core/op-clock.ts";
import type { CapacityUsage } from "../engine/result.ts";
import type { DynamoTarget } from "./types.ts";

// The SDK warns on every run that Node 20 support ends in 2027; the harness says so once in the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** The small interface a scenario reaches DynamoDB through. */
export interface DynamoStore {
  /** the full table name, with the run's prefix */
  table(name: string): string;
  /** a Query with ReturnConsumedCapacity=INDEXES; capacity is summed into capacity() (warm-up operations' left out) */
  query(input: QueryCommandInput): Promise<QueryCommandOutput>;
  /** the document client, for setup and loaders; not for the hot path */
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  capacity(): CapacityUsage;
  close(): void;
}

export function createDynamoClient(target: DynamoTarget, maxSockets = 64): DynamoDBClient {
  return new DynamoDBClient({
    region: target.region,
    endpoint: target.endpoint,
    credentials: target.credentials,
    maxAttempts: 1,
    requestHandler: {
      httpAgent: { keepAlive: true, maxSockets },
      httpsAgent: { keepAlive: true, maxSockets },
      // under an open-model overload requests queue for sockets by design; the
      // harness counts that as latency, the SDK's "socket usage" warning is noise
      socketAcquisitionWarningTimeout: 600_000,
    },
  });
}

export function createDynamoStore(target: DynamoTarget, maxSockets = 64): DynamoStore {
  const raw = createDynamoClient(target, maxSockets);
  const doc = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const usage: CapacityUsage = { readUnits: 0, writeUnits: 0, byResource: {} };
  const add = (key: string, read: number, write: number) => {
    const r = usage.byResource[key] ?? { readUnits: 0, writeUnits: 0 };
    r.readUnits += read;
    r.writeUnits += write;
    usage.byResource[key] = r;
  };
  return {
    doc,
    raw,
    table: (name) => `${target.tablePrefix}${name}`,
    async query(input) {
      // scenarios build their inputs once in setup and reuse them: set the flag in place
      // rather than copying the input on every operation
      input.ReturnConsumedCapacity = "INDEXES";
      // the operation this call belongs to (core/op-clock.ts); the SDK call is the send:
      // a wait for a free socket happens inside the SDK and counts as service time
      const t = running.op;
      sent(t);
      const out = await doc.send(new QueryCommand(input));
      const cc = out.ConsumedCapacity;
      // a warm-up operation's capacity is left out, like its latency
      if (cc && counts(t)) {
        usage.readUnits += cc.ReadCapacityUnits ?? cc.CapacityUnits ?? 0;
        usage.writeUnits += cc.WriteCapacityUnits ?? 0;
        if (cc.TableName) {
          if (cc.Table)
            add(
              cc.TableName,
              cc.Table.ReadCapacityUnits ?? cc.Table.CapacityUnits ?? 0,
              cc.Table.WriteCapacityUnits ?? 0,
            );
          for (const [ix, c] of Object.entries(cc.GlobalSecondaryIndexes ?? {})) {
            add(
              `${cc.TableName}/${ix}`,
              c.ReadCapacityUnits ?? c.CapacityUnits ?? 0,
              c.WriteCapacityUnits ?? 0,
            );
          }
        }
      }
      return out;
    },
    capacity: () => usage,
    close: () => raw.destroy(),
  };
}

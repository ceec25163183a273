import { type Capacity, type ConsumedCapacity, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteWriteRequest,
  DeleteCommand,
  type DeleteCommandInput,
  type DeleteCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  type GetCommandOutput,
  PutCommand,
  type PutCommandInput,
  type PutCommandOutput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  type TransactWriteCommandOutput,
  UpdateCommand,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import { counts, running, sent } from "../core/op-clock.ts";
import type { CapacityUsage } from "../core/result.ts";
import { type BatchHooks, type RetryRules, writeBatch } from "./batch-retry.ts";
import type { DynamoTarget } from "./types.ts";

// The SDK warns on every run that Node 20 support ends in 2027; the harness says so once in the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Retries of BatchWriteItem calls, for a caller that counts them (plain numbers it owns). */
export interface WriteRetries {
  /** requests sent again: unprocessed items, or a throttled call */
  retries: number;
  /** calls answered with a throttling or transient error */
  throttles: number;
}

export interface BatchWriteOptions extends RetryRules {
  /** incremented as the batch is retried (left alone for warm-up operations) */
  counts?: WriteRetries;
}

/**
 * The small interface a scenario reaches DynamoDB through. Every call sets
 * ReturnConsumedCapacity=INDEXES on the input it is given (in place: build
 * inputs once and reuse them) and sums the consumed capacity, per table and
 * per index, into capacity(); warm-up operations' calls are left out.
 * Conditional writes refused by their ConditionExpression reject with the
 * SDK's ConditionalCheckFailedException (classified as a query error).
 */
export interface DynamoStore {
  /** the full table name, with the run's prefix */
  table(name: string): string;
  /** whether the endpoint runs TransactWriteItems (DynamoDB and DynamoDB Local do; dynalite does not) */
  readonly transactions: boolean;
  query(input: QueryCommandInput): Promise<QueryCommandOutput>;
  /** GetItem (ConsistentRead allowed) */
  get(input: GetCommandInput): Promise<GetCommandOutput>;
  /** PutItem (ConditionExpression allowed) */
  put(input: PutCommandInput): Promise<PutCommandOutput>;
  /** UpdateItem (ConditionExpression allowed) */
  update(input: UpdateCommandInput): Promise<UpdateCommandOutput>;
  /** DeleteItem (ConditionExpression allowed) */
  delete(input: DeleteCommandInput): Promise<DeleteCommandOutput>;
  /**
   * BatchWriteItem (at most 25 requests, any tables), resolved once every
   * request is written: UnprocessedItems and throttling are retried by the
   * loader's rules (stores/batch-retry.ts: exponential backoff, full jitter,
   * giving up after `maxAttempts` attempts in a row without progress).
   * Capacity counts every attempt's answer.
   */
  batchWrite(input: BatchWriteCommandInput, opts?: BatchWriteOptions): Promise<void>;
  /** TransactWriteItems; refused without sending where `transactions` is false */
  transactWrite(input: TransactWriteCommandInput): Promise<TransactWriteCommandOutput>;
  /** the document client, for setup and loaders; not for the hot path */
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  capacity(): CapacityUsage;
  close(): void;
}

type Units = { readUnits: number; writeUnits: number };

/**
 * The one accumulation of ConsumedCapacity (ReturnConsumedCapacity=INDEXES)
 * into `usage`, for every call: totals, then per table and per index
 * ("Table/Index"). `write` says how to read a bare CapacityUnits (DynamoDB
 * Local reports only that): as write units for writes, read units for reads.
 * After a resource's first appearance no object or key string is made again.
 */
export function capacityAdder(
  usage: CapacityUsage,
): (cc: ConsumedCapacity | undefined, write: boolean) => void {
  const tables = new Map<string, { own: Units | null; indexes: Map<string, Units> }>();
  const entry = (key: string): Units => {
    let u = usage.byResource[key];
    if (u === undefined) {
      u = { readUnits: 0, writeUnits: 0 };
      usage.byResource[key] = u;
    }
    return u;
  };
  const addTo = (u: Units, c: Capacity, write: boolean) => {
    u.readUnits += c.ReadCapacityUnits ?? (write ? 0 : (c.CapacityUnits ?? 0));
    u.writeUnits += c.WriteCapacityUnits ?? (write ? (c.CapacityUnits ?? 0) : 0);
  };
  const addIndexes = (
    table: string,
    indexes: Map<string, Units>,
    byName: Record<string, Capacity> | undefined,
    write: boolean,
  ) => {
    if (byName === undefined) return;
    for (const ix in byName) {
      let u = indexes.get(ix);
      if (u === undefined) {
        u = entry(`${table}/${ix}`);
        indexes.set(ix, u);
      }
      addTo(u, byName[ix], write);
    }
  };
  return (cc, write) => {
    if (cc === undefined) return;
    addTo(usage, cc, write);
    const name = cc.TableName;
    if (name === undefined) return;
    let t = tables.get(name);
    if (t === undefined) {
      t = { own: null, indexes: new Map() };
      tables.set(name, t);
    }
    if (cc.Table) {
      t.own ??= entry(name);
      addTo(t.own, cc.Table, write);
    }
    addIndexes(name, t.indexes, cc.GlobalSecondaryIndexes, write);
    addIndexes(name, t.indexes, cc.LocalSecondaryIndexes, write);
  };
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
  const add = capacityAdder(usage);
  const addAll = (list: ConsumedCapacity[] | undefined) => {
    if (list) for (let i = 0; i < list.length; i++) add(list[i], true);
  };
  const noTransactions = () =>
    Object.assign(
      new Error(
        `TransactWriteItems is not supported by ${target.description} (dynalite has no transactions): install Java 17 so the services run DynamoDB Local, then restart them: npx bellyfed-bench services down && npx bellyfed-bench services up`,
      ),
      { name: "TransactionsUnsupported" },
    );
  return {
    doc,
    raw,
    transactions: target.transactions,
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
      // a warm-up operation's capacity is left out, like its latency
      if (counts(t)) add(out.ConsumedCapacity, false);
      return out;
    },
    async get(input) {
      input.ReturnConsumedCapacity = "INDEXES";
      const t = running.op;
      sent(t);
      const out = await doc.send(new GetCommand(input));
      if (counts(t)) add(out.ConsumedCapacity, false);
      return out;
    },
    async put(input) {
      input.ReturnConsumedCapacity = "INDEXES";
      const t = running.op;
      sent(t);
      const out = await doc.send(new PutCommand(input));
      if (counts(t)) add(out.ConsumedCapacity, true);
      return out;
    },
    async update(input) {
      input.ReturnConsumedCapacity = "INDEXES";
      const t = running.op;
      sent(t);
      const out = await doc.send(new UpdateCommand(input));
      if (counts(t)) add(out.ConsumedCapacity, true);
      return out;
    },
    async delete(input) {
      input.ReturnConsumedCapacity = "INDEXES";
      const t = running.op;
      sent(t);
      const out = await doc.send(new DeleteCommand(input));
      if (counts(t)) add(out.ConsumedCapacity, true);
      return out;
    },
    batchWrite(input, opts = {}) {
      const t = running.op;
      const measured = counts(t);
      const n = opts.counts;
      const hooks: BatchHooks<BatchWriteWriteRequest> = {
        sending: () => sent(t),
        answered: (out) => {
          if (measured) addAll(out.ConsumedCapacity);
        },
        throttled: () => {
          if (measured && n) n.throttles++;
        },
        retrying: () => {
          if (measured && n) n.retries++;
        },
      };
      const send = (items: Record<string, BatchWriteWriteRequest[]>) => {
        // the caller's input is left as it was: each attempt sends what is still pending
        return doc.send(
          new BatchWriteCommand({
            ...input,
            RequestItems: items,
            ReturnConsumedCapacity: "INDEXES",
          }),
          { abortSignal: opts.signal },
        );
      };
      return writeBatch(input.RequestItems ?? {}, send, opts, hooks);
    },
    async transactWrite(input) {
      if (!target.transactions) throw noTransactions();
      input.ReturnConsumedCapacity = "INDEXES";
      const t = running.op;
      sent(t);
      const out = await doc.send(new TransactWriteCommand(input));
      if (counts(t)) addAll(out.ConsumedCapacity);
      return out;
    },
    capacity: () => usage,
    close: () => raw.destroy(),
  };
}

import { setMaxListeners } from "node:events";
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type ConsumedCapacity,
  type DynamoDBClient,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import {
  type BatchAnswer,
  type BatchHooks,
  backoffMs,
  type RetryRules,
  writeBatch,
} from "../stores/batch-retry.ts";

/**
 * BatchWriteItem in requests of 25 puts, at most `concurrency` requests in
 * flight. UnprocessedItems and throttling errors are retried with exponential
 * backoff and full jitter (sleep = random(0, min(cap, base * 2^attempt))), by
 * the rules in stores/batch-retry.ts, which DynamoStore.batchWrite shares.
 * ConsumedCapacity (ReturnConsumedCapacity=INDEXES) is summed per table and GSI.
 * A freed slot goes straight to one waiting producer, so `concurrency`
 * requests stay in flight for as long as producers have batches.
 */

export type Item = Record<string, AttributeValue>;

export interface CapacityTotals {
  /** write capacity units by "Table" or "Table/Index" */
  byResource: Record<string, number>;
  total: number;
}

export interface BatchWriterOptions {
  concurrency?: number;
  /** backoff base and cap, ms */
  baseMs?: number;
  capMs?: number;
  /** give up after this many consecutive attempts without progress on one batch */
  maxAttempts?: number;
  signal?: AbortSignal;
  /** called after each successful write of n items to a table */
  onWritten?: (table: string, n: number) => void;
  /**
   * Requests wait for this before their first send (tables still being
   * created): producers can queue up to `concurrency` batches meanwhile.
   */
  startAfter?: Promise<unknown>;
}

/** The loader's retry rules live with the stores, so DynamoStore.batchWrite follows the same ones. */
export { backoffMs };

export class BatchWriter {
  readonly capacity: CapacityTotals = { byResource: {}, total: 0 };
  requests = 0;
  retries = 0;
  throttles = 0;
  items = 0;
  private readonly concurrency: number;
  private readonly rules: RetryRules;
  private active = 0;
  /** producers waiting for a free slot, woken one per freed slot */
  private readonly waiting: (() => void)[] = [];
  /** flush() callers, woken when nothing is in flight */
  private readonly draining: (() => void)[] = [];
  private failure: unknown;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly opts: BatchWriterOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 16;
    // every request in flight listens on the load's abort signal (three writers x 16 requests)
    if (opts.signal) setMaxListeners(0, opts.signal);
    this.rules = {
      baseMs: opts.baseMs,
      capMs: opts.capMs,
      maxAttempts: opts.maxAttempts,
      signal: opts.signal,
    };
  }

  /** Queues one batch of at most 25 items of one table; resolves once it may queue more. */
  async put(table: string, items: Item[]): Promise<void> {
    if (items.length === 0) return;
    if (items.length > 25)
      throw new RangeError(`a batch holds at most 25 items (got ${items.length})`);
    if (this.failure) throw this.failure;
    while (this.active >= this.concurrency) {
      await new Promise<void>((wake) => this.waiting.push(wake));
      if (this.failure) throw this.failure;
    }
    this.active++;
    const requests: WriteRequest[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) requests[i] = { PutRequest: { Item: items[i] } };
    this.write(table, requests).then(
      () => this.release(),
      (e) => {
        this.failure ??= e;
        this.release();
      },
    );
  }

  /** Waits for every queued batch; throws the first failure. */
  async flush(): Promise<void> {
    while (this.active > 0) await new Promise<void>((done) => this.draining.push(done));
    if (this.failure) throw this.failure;
  }

  private release(): void {
    this.active--;
    // after a failure every producer wakes (and throws); otherwise one takes the slot
    if (this.failure) for (const wake of this.waiting.splice(0)) wake();
    else this.waiting.shift()?.();
    if (this.active === 0) for (const done of this.draining.splice(0)) done();
  }

  private add(cc: ConsumedCapacity[] | undefined): void {
    for (const c of cc ?? []) {
      const table = c.TableName ?? "?";
      const own = c.Table?.CapacityUnits ?? c.Table?.WriteCapacityUnits;
      const units = own ?? c.CapacityUnits ?? 0;
      this.capacity.byResource[table] = (this.capacity.byResource[table] ?? 0) + units;
      for (const [ix, g] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
        const key = `${table}/${ix}`;
        this.capacity.byResource[key] =
          (this.capacity.byResource[key] ?? 0) + (g.CapacityUnits ?? g.WriteCapacityUnits ?? 0);
      }
      this.capacity.total += c.CapacityUnits ?? units;
    }
  }

  private async write(table: string, requests: WriteRequest[]): Promise<void> {
    if (this.opts.startAfter) await this.opts.startAfter;
    await writeBatch({ [table]: requests }, this.send, this.rules, this.hooks);
  }

  private readonly send = (items: Record<string, WriteRequest[]>) =>
    this.client.send(
      new BatchWriteItemCommand({ RequestItems: items, ReturnConsumedCapacity: "INDEXES" }),
      { abortSignal: this.opts.signal },
    );

  private readonly hooks: BatchHooks<WriteRequest> = {
    sending: () => {
      this.requests++;
    },
    answered: (out: BatchAnswer<WriteRequest>) => this.add(out.ConsumedCapacity),
    written: (table, n) => {
      this.items += n;
      this.opts.onWritten?.(table, n);
    },
    throttled: () => {
      this.throttles++;
    },
    retrying: () => {
      this.retries++;
    },
  };
}

import { setMaxListeners } from "node:events";
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type ConsumedCapacity,
  type DynamoDBClient,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";

/**
 * BatchWriteItem in requests of 25 puts, at most `concurrency` requests in
 * flight. UnprocessedItems and throttling errors are retried with exponential
 * backoff and full jitter (sleep = random(0, min(cap, base * 2^attempt))).
 * ConsumedCapacity (ReturnConsumedCapacity=INDEXES) is summed per table and GSI.
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
}

const RETRYABLE = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "LimitExceededException",
  "TimeoutError",
]);

function retryable(e: unknown): boolean {
  const err = e as {
    name?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (err?.name && RETRYABLE.has(err.name)) return true;
  if (err?.$retryable) return true;
  const status = err?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return ["ECONNRESET", "EPIPE", "ETIMEDOUT"].includes(err?.code ?? "");
}

export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class BatchWriter {
  readonly capacity: CapacityTotals = { byResource: {}, total: 0 };
  requests = 0;
  retries = 0;
  throttles = 0;
  items = 0;
  private readonly concurrency: number;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly maxAttempts: number;
  private inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly opts: BatchWriterOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 16;
    // every request in flight listens on the load's abort signal (three writers x 16 requests)
    if (opts.signal) setMaxListeners(0, opts.signal);
    this.baseMs = opts.baseMs ?? 25;
    this.capMs = opts.capMs ?? 5000;
    this.maxAttempts = opts.maxAttempts ?? 12;
  }

  /** Queues one batch of at most 25 items of one table; resolves once it may queue more. */
  async put(table: string, items: Item[]): Promise<void> {
    if (items.length === 0) return;
    if (items.length > 25)
      throw new RangeError(`a batch holds at most 25 items (got ${items.length})`);
    if (this.failure) throw this.failure;
    while (this.inFlight.size >= this.concurrency) {
      await Promise.race(this.inFlight);
      if (this.failure) throw this.failure;
    }
    const p = this.write({ [table]: items.map((Item) => ({ PutRequest: { Item } })) }).then(
      () => {
        this.inFlight.delete(p);
      },
      (e) => {
        this.inFlight.delete(p);
        this.failure ??= e;
      },
    );
    this.inFlight.add(p);
  }

  /** Waits for every queued batch; throws the first failure. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
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

  private async write(request: Record<string, WriteRequest[]>): Promise<void> {
    let pending = request;
    let attempt = 0;
    for (;;) {
      const sizes = Object.fromEntries(Object.entries(pending).map(([t, r]) => [t, r.length]));
      try {
        this.requests++;
        const out = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: pending, ReturnConsumedCapacity: "INDEXES" }),
          { abortSignal: this.opts.signal },
        );
        this.add(out.ConsumedCapacity);
        const left = out.UnprocessedItems ?? {};
        for (const [t, n] of Object.entries(sizes)) {
          const written = n - (left[t]?.length ?? 0);
          if (written > 0) {
            this.items += written;
            this.opts.onWritten?.(t, written);
          }
        }
        if (Object.values(left).every((r) => r.length === 0)) return;
        const progressed = Object.entries(sizes).some(([t, n]) => (left[t]?.length ?? 0) < n);
        pending = left;
        attempt = progressed ? 0 : attempt + 1;
      } catch (e) {
        if (this.opts.signal?.aborted || !retryable(e)) throw e;
        this.throttles++;
        attempt++;
      }
      if (attempt >= this.maxAttempts) {
        throw new Error(
          `DynamoDB BatchWriteItem made no progress after ${attempt} attempts (throttled or failing); try again later or raise the table's write capacity`,
        );
      }
      this.retries++;
      await sleep(backoffMs(attempt, this.baseMs, this.capMs), this.opts.signal);
    }
  }
}

import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";

/**
 * DynamoDB's retry rules for BatchWriteItem, shared by the loader's
 * BatchWriter (generators/load/batch-writer.ts) and DynamoStore.batchWrite:
 * UnprocessedItems and throttling (or transient) errors are sent again after
 * exponential backoff with full jitter, sleep = random(0, min(cap, base *
 * 2^attempt)); the attempt count goes back to 0 whenever an answer wrote
 * something, and the batch gives up after `maxAttempts` attempts in a row
 * without progress. Any other error is thrown at once.
 */
export interface RetryRules {
  /** backoff base and cap, ms (default 25 and 5000) */
  baseMs?: number;
  capMs?: number;
  /** give up after this many consecutive attempts without progress (default 12) */
  maxAttempts?: number;
  signal?: AbortSignal;
}

export const DEFAULT_RETRY_RULES = { baseMs: 25, capMs: 5000, maxAttempts: 12 } as const;

const RETRYABLE = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "LimitExceededException",
  "TimeoutError",
]);

/** Throttling and transient errors (5xx, reset sockets): worth sending again. */
export function retryable(e: unknown): boolean {
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

/** Full jitter: a uniform draw below min(cap, base * 2^attempt). */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

/** What a BatchWriteItem answer carries that the retry loop reads. */
export interface BatchAnswer<W> {
  UnprocessedItems?: Record<string, W[]>;
  ConsumedCapacity?: ConsumedCapacity[];
}

/** Callbacks of one batch's retry loop (all optional). */
export interface BatchHooks<W> {
  /** a request about to be sent */
  sending?(): void;
  /** every answer, e.g. to sum its ConsumedCapacity */
  answered?(out: BatchAnswer<W>): void;
  /** `n` requests of `table` the service accepted in one answer */
  written?(table: string, n: number): void;
  /** a throttling or transient error that will be retried */
  throttled?(e: unknown): void;
  /** a retry about to be sent after its backoff (unprocessed items or a throttled call) */
  retrying?(): void;
}

/**
 * Sends one batch (requests by table, as BatchWriteItem's RequestItems) with
 * `send` until every request is written, by the rules above. `send` is the
 * caller's: the loader sends marshalled items through the low-level client,
 * DynamoStore sends plain objects through the document client.
 */
export async function writeBatch<W>(
  requestItems: Record<string, W[]>,
  send: (items: Record<string, W[]>) => Promise<BatchAnswer<W>>,
  rules: RetryRules,
  hooks: BatchHooks<W>,
): Promise<void> {
  const baseMs = rules.baseMs ?? DEFAULT_RETRY_RULES.baseMs;
  const capMs = rules.capMs ?? DEFAULT_RETRY_RULES.capMs;
  const maxAttempts = rules.maxAttempts ?? DEFAULT_RETRY_RULES.maxAttempts;
  let pending = requestItems;
  let attempt = 0;
  for (;;) {
    try {
      hooks.sending?.();
      const out = await send(pending);
      hooks.answered?.(out);
      const left = out.UnprocessedItems ?? {};
      let progress = false;
      let remaining = false;
      for (const table in pending) {
        const n = pending[table].length - (left[table]?.length ?? 0);
        if (n > 0) {
          progress = true;
          hooks.written?.(table, n);
        }
      }
      for (const table in left) if (left[table].length > 0) remaining = true;
      if (!remaining) return;
      pending = left;
      attempt = progress ? 0 : attempt + 1;
    } catch (e) {
      if (rules.signal?.aborted || !retryable(e)) throw e;
      hooks.throttled?.(e);
      attempt++;
    }
    if (attempt >= maxAttempts) {
      throw new Error(
        `DynamoDB BatchWriteItem made no progress after ${attempt} attempts (throttled or failing); try again later or raise the table's write capacity`,
      );
    }
    hooks.retrying?.();
    await sleep(backoffMs(attempt, baseMs, capMs), rules.signal);
  }
}

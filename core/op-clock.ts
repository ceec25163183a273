import { nowUs } from "./clock.ts";

/**
 * The send-time hook between the engine and the stores: the engine's side of
 * one running operation, as a store sees it.
 *
 * The engine sets `running.op` to the operation's slot for the synchronous
 * part of each operation call and clears it after. A store reads it once, on
 * entry to a call (synchronously, before its first await), keeps it in a local
 * and calls `sent(t)` at the moment it puts the request on the wire: for
 * PostgreSQL after a connection is acquired, for DynamoDB at the SDK call. The
 * first send of an operation starts its service time; everything before it is
 * wait. No allocation: the slot is the engine's, reused for every operation.
 *
 * A store call made outside any engine operation (setup, loaders) sees null.
 */
export interface OpTiming {
  /** epoch µs of the operation's first send; 0 until a store sends */
  sentUs: number;
  /** false for warm-up operations: stores leave them out of their figures */
  measured: boolean;
}

export const running: { op: OpTiming | null } = { op: null };

/** Marks the operation's first send (later sends of the same operation change nothing). */
export function sent(t: OpTiming | null): void {
  if (t !== null && t.sentUs === 0) t.sentUs = nowUs();
}

/** Whether a store call belongs in the store's figures (capacity, pool): not a warm-up operation's. */
export function counts(t: OpTiming | null): boolean {
  return t === null || t.measured;
}

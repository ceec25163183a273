/**
 * Where the projector's changes come from: PostgreSQL logical decoding
 * (pgoutput, a replication slot) or, where that is not available, a
 * transactional outbox (triggers writing to a table, polled). Both deliver
 * committed transactions in commit order, at least once: after a crash the
 * source replays from the last acknowledged position, and the projector's
 * conditional writes make a replay harmless.
 */

/** One row change inside a committed transaction. */
export interface RowChange {
  /** PostgreSQL table name (public schema) */
  table: string;
  op: "insert" | "update" | "delete";
  /** the new row (insert, update) or the old row's key columns (delete), as text values */
  row: Record<string, string | null>;
}

/** One committed PostgreSQL transaction. */
export interface CommittedTx {
  /**
   * Where this transaction ends in the source's order: the commit LSN for
   * logical decoding, the outbox's last id for the outbox. Strictly increasing
   * across transactions; the value written on each item as its source position.
   */
  position: bigint;
  /** commit time on the server's clock */
  commitTime: Date;
  /**
   * The transaction id (32 bits), where the source has it (logical decoding):
   * a decoded commit can reach the projector before the transaction is
   * visible to other sessions' snapshots, so the projector waits for that
   * before it recomputes. The outbox reads only visible rows and leaves it out.
   */
  xid?: number;
  changes: RowChange[];
}

export interface ChangeSource {
  /** "pgoutput" or "outbox" */
  readonly kind: string;
  /**
   * Streams committed transactions from the last acknowledged position on.
   * `apply` is awaited before the next transaction is handed over; the
   * returned promise settles when the source stops or fails.
   */
  start(apply: (tx: CommittedTx) => Promise<void>): Promise<void>;
  /** Everything up to and including `position` is applied in DynamoDB: never replay it. */
  acknowledge(position: bigint): Promise<void>;
  stop(): Promise<void>;
  /**
   * Optional: puts a mark (an increasing id) in the source's stream; `seen()`
   * reaching it means every transaction committed before the call has been
   * handed to `apply` (the projector's waitCaughtUp).
   */
  mark?(): Promise<bigint>;
  seen?(): bigint;
}

import { CopyWriter, DEFAULT_CHUNK_BYTES } from "./copy.ts";
import type { TableName } from "./ids.ts";

/**
 * One table's rows, positioned by index. `seek(i)` then `next()` computes row i
 * (each further `next()` computes the following row, O(1) amortised); `encode`
 * writes that row as one COPY text line (without the newline), `record` returns
 * it as an object.
 */
export interface Cursor<R> {
  seek(i: number): void;
  next(): void;
  encode(w: CopyWriter): void;
  record(): R;
}

/** What generation of one range produced. */
export interface RangeStats {
  rows: number;
  bytes: number;
}

/** A table's generator: rows by index, as objects or as COPY text. */
export class TableGenerator<R = Record<string, unknown>> {
  constructor(
    readonly name: TableName,
    /** column names in the design's order (the COPY column list) */
    readonly columns: readonly string[],
    private readonly total: number,
    private readonly makeCursor: () => Cursor<R>,
  ) {}

  /** Exact number of rows. */
  count(): number {
    return this.total;
  }

  /** Row i as an object (timestamps are epoch milliseconds, JSON columns JSON text). */
  row(i: number): R {
    this.check(i, i + 1);
    const c = this.makeCursor();
    c.seek(i);
    c.next();
    return c.record();
  }

  /** Rows [from, to) as objects (one cursor, sequential). */
  *rows(from = 0, to = this.total): Generator<R> {
    this.check(from, to);
    if (from === to) return;
    const c = this.makeCursor();
    c.seek(from);
    for (let i = from; i < to; i++) {
      c.next();
      yield c.record();
    }
  }

  /**
   * Writes rows [from, to) as COPY text to `onChunk`, in Buffers of about
   * `chunkBytes` (each Buffer ends at a row boundary and is never reused).
   */
  copy(
    from: number,
    to: number,
    onChunk: (chunk: Buffer) => void,
    chunkBytes = DEFAULT_CHUNK_BYTES,
  ): RangeStats {
    this.check(from, to);
    const w = new CopyWriter(onChunk, chunkBytes);
    if (from < to) {
      const c = this.makeCursor();
      c.seek(from);
      for (let i = from; i < to; i++) {
        c.next();
        c.encode(w);
        w.endRow();
      }
    }
    w.flush(true);
    return { rows: w.rows, bytes: w.bytesOut };
  }

  /**
   * The same as `copy`, as an iterator of Buffers (handy for Readable.from).
   * `alloc`: see CopyWriter (recycles Buffers the consumer is done with).
   */
  *chunks(
    from = 0,
    to = this.total,
    chunkBytes = DEFAULT_CHUNK_BYTES,
    alloc?: (size: number) => Buffer,
  ): Generator<Buffer> {
    this.check(from, to);
    const pending: Buffer[] = [];
    const w = new CopyWriter((b) => pending.push(b), chunkBytes, alloc);
    if (from < to) {
      const c = this.makeCursor();
      c.seek(from);
      for (let i = from; i < to; i++) {
        c.next();
        c.encode(w);
        w.endRow();
        while (pending.length > 0) yield pending.shift()!;
      }
    }
    w.flush(true);
    while (pending.length > 0) yield pending.shift()!;
  }

  private check(from: number, to: number): void {
    if (
      !(
        Number.isSafeInteger(from) &&
        Number.isSafeInteger(to) &&
        0 <= from &&
        from <= to &&
        to <= this.total
      )
    ) {
      throw new RangeError(
        `${this.name}: row range [${from}, ${to}) is outside [0, ${this.total})`,
      );
    }
  }
}

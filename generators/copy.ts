/**
 * PostgreSQL COPY text format (the default `COPY t FROM STDIN`): one line per row,
 * columns separated by a tab, NULL written as \N, and backslash, tab, newline and
 * carriage return escaped with a backslash. CopyWriter fills ~64 KB Buffers and
 * hands each full one to `onChunk`; every Buffer handed out is fresh (its memory
 * may be transferred to another thread), unless the caller supplies `alloc` to
 * recycle the Buffers it is done with.
 */

export const DEFAULT_CHUNK_BYTES = 64 * 1024;
/**
 * Room past chunkBytes for the row being written: fixed-width fields are written
 * unchecked (a row's fixed part is well under 2 KB); text goes through ensure().
 */
const SLACK = 16 * 1024;

const EMPTY = Buffer.alloc(0);
const BACKSLASH = 0x5c;
const TAB = 0x09;
const NL = 0x0a;
const _CR = 0x0d;
const NEEDS_ESCAPE = /[\\\t\n\r\0]/;

/** Escapes a string for a COPY text field (NUL bytes, which PostgreSQL rejects, are dropped). */
export function escapeCopy(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\t\n\r\0]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "",
  );
}

const ARRAY_QUOTE = /[\s,{}"\\]/;

/** A PostgreSQL array literal `{a,"b c"}` (not yet COPY-escaped); null elements as NULL. */
export function arrayLiteral(items: readonly (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    const v = items[i];
    if (v === null) out += "NULL";
    else if (v === "" || ARRAY_QUOTE.test(v) || v.toUpperCase() === "NULL") {
      out += `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    } else out += v;
  }
  return `${out}}`;
}

/** Decodes one COPY text field (the inverse of escapeCopy, plus \N -> null). For tests and tools. */
export function unescapeCopy(field: string): string | null {
  if (field === "\\N") return null;
  return field.replace(/\\(.)/g, (_, c: string) =>
    c === "t" ? "\t" : c === "n" ? "\n" : c === "r" ? "\r" : c,
  );
}

/** Splits COPY text into rows of decoded fields (for tests and tools, not the hot path). */
export function parseCopyText(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    rows.push(line.split("\t").map(unescapeCopy));
  }
  return rows;
}

const HEX = new Uint8Array(16);
for (let i = 0; i < 16; i++) HEX[i] = "0123456789abcdef".charCodeAt(i);

const HEX2 = new Uint16Array(256);
for (let i = 0; i < 256; i++) HEX2[i] = (HEX[i >>> 4] << 8) | HEX[i & 15];

function hexByte(b: Buffer, p: number, x: number): number {
  const h = HEX2[x];
  b[p] = h >>> 8;
  b[p + 1] = h & 255;
  return p + 2;
}

const DIGITS2 = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGITS2[i * 2] = 0x30 + Math.floor(i / 10);
  DIGITS2[i * 2 + 1] = 0x30 + (i % 10);
}

export class CopyWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly limit: number;
  /** bytes and rows handed out so far */
  bytesOut = 0;
  rows = 0;

  /**
   * `alloc(size)`: where the next Buffer comes from (default: a fresh one); a
   * recycled Buffer must be at least `size` bytes and no longer in use.
   */
  constructor(
    private readonly onChunk: (chunk: Buffer) => void,
    chunkBytes = DEFAULT_CHUNK_BYTES,
    private readonly alloc: (size: number) => Buffer = Buffer.allocUnsafeSlow,
  ) {
    this.limit = chunkBytes;
    this.buf = alloc(chunkBytes + SLACK);
  }

  /** The size of the Buffers `alloc` is asked for with a given chunk size. */
  static bufferSize(chunkBytes: number): number {
    return chunkBytes + SLACK;
  }

  /** Ends a row; hands the buffer out once it holds at least chunkBytes. */
  endRow(): void {
    this.buf[this.pos++] = NL;
    this.rows++;
    if (this.pos >= this.limit) this.flush();
  }

  /**
   * Hands out whatever is buffered (call once at the end). `last`: nothing more
   * will be written, so no Buffer is taken for what follows.
   */
  flush(last = false): void {
    if (this.pos === 0) return;
    const out = this.buf.subarray(0, this.pos);
    this.bytesOut += this.pos;
    this.buf = last ? EMPTY : this.alloc(this.limit + SLACK);
    this.pos = 0;
    this.onChunk(out);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n + SLACK));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  tab(): void {
    this.buf[this.pos++] = TAB;
  }

  nul(): void {
    this.buf[this.pos++] = BACKSLASH;
    this.buf[this.pos++] = 0x4e; // N
  }

  /** Bytes already in COPY form (pre-escaped pool values). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n <= 48) {
      // a byte loop beats TypedArray.set for the short values most fields are
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = bytes[i];
      this.pos = p;
      return;
    }
    this.ensure(n);
    this.buf.set(bytes, this.pos);
    this.pos += n;
  }

  /** ASCII text known to need no escaping (ids, numbers, fixed words). */
  ascii(s: string): void {
    const n = s.length;
    if (n <= 64) {
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
      this.pos = p;
      return;
    }
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, "latin1");
  }

  /** Any text: escaped for COPY, written as UTF-8. */
  text(s: string): void {
    if (NEEDS_ESCAPE.test(s)) s = escapeCopy(s);
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /** Text or \N. */
  textOrNull(s: string | null): void {
    if (s === null) this.nul();
    else this.text(s);
  }

  /** A non-negative integer below 2^53. */
  uint(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = 0x30 + n;
      return;
    }
    if (n < 100) {
      this.buf[this.pos++] = DIGITS2[n * 2];
      this.buf[this.pos++] = DIGITS2[n * 2 + 1];
      return;
    }
    this.digits(n);
  }

  int(n: number): void {
    if (n < 0) {
      this.buf[this.pos++] = 0x2d;
      n = -n;
    }
    this.uint(n);
  }

  bool(b: boolean): void {
    this.buf[this.pos++] = b ? 0x74 : 0x66; // t / f
  }

  /** A fixed-point decimal from an integer count of 10^-scale units (e.g. cents, scale 2). */
  decimal(units: number, scale: number): void {
    if (units < 0) {
      this.buf[this.pos++] = 0x2d;
      units = -units;
    }
    const p = 10 ** scale;
    this.uint(Math.floor(units / p));
    this.buf[this.pos++] = 0x2e; // .
    let frac = units % p;
    for (let d = scale - 1; d >= 0; d--) {
      const q = 10 ** d;
      const digit = Math.floor(frac / q);
      this.buf[this.pos++] = 0x30 + digit;
      frac -= digit * q;
    }
  }

  /** A UUID from its four words (see ids.ts uuidWords), without building a string. */
  uuid(w: Uint32Array): void {
    const b = this.buf;
    let p = this.pos;
    const a = w[0];
    const c = w[1];
    const d = w[2];
    const e = w[3];
    p = hexByte(b, p, a >>> 24);
    p = hexByte(b, p, (a >>> 16) & 255);
    p = hexByte(b, p, (a >>> 8) & 255);
    p = hexByte(b, p, a & 255);
    b[p++] = 0x2d;
    p = hexByte(b, p, c >>> 24);
    p = hexByte(b, p, (c >>> 16) & 255);
    b[p++] = 0x2d;
    p = hexByte(b, p, (c >>> 8) & 255);
    p = hexByte(b, p, c & 255);
    b[p++] = 0x2d;
    p = hexByte(b, p, d >>> 24);
    p = hexByte(b, p, (d >>> 16) & 255);
    b[p++] = 0x2d;
    p = hexByte(b, p, (d >>> 8) & 255);
    p = hexByte(b, p, d & 255);
    p = hexByte(b, p, e >>> 24);
    p = hexByte(b, p, (e >>> 16) & 255);
    p = hexByte(b, p, (e >>> 8) & 255);
    p = hexByte(b, p, e & 255);
    this.pos = p;
  }

  /** The decimal digits of a non-negative integer (index suffixes of emails and usernames). */
  digits(n: number): void {
    if (n < 100) {
      this.uint(n);
      return;
    }
    const b = this.buf;
    let len = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) len++;
    let p = this.pos + len;
    this.pos = p;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      b[--p] = 0x30 + (n - q * 10);
      n = q;
    }
    b[--p] = 0x30 + n;
  }

  /** A TIMESTAMP 'YYYY-MM-DD HH:MM:SS.mmm' (UTC) from epoch milliseconds. */
  timestamp(ms: number): void {
    const b = this.buf;
    let p = this.pos;
    const days = Math.floor(ms / 86400000);
    let rem = ms - days * 86400000;
    if (days >= 0 && days < DATE_DAYS) {
      if (DATE_READY[days] === 0) fillDate(days);
      const o = days * 11;
      for (let i = 0; i < 11; i++) b[p++] = DATE_TABLE[o + i];
    } else {
      const date = dateBytes(days);
      for (let i = 0; i < 11; i++) b[p++] = date[i];
    }
    const h = Math.floor(rem / 3600000);
    rem -= h * 3600000;
    const mi = Math.floor(rem / 60000);
    rem -= mi * 60000;
    const s = Math.floor(rem / 1000);
    const msec = rem - s * 1000;
    b[p++] = DIGITS2[h * 2];
    b[p++] = DIGITS2[h * 2 + 1];
    b[p++] = 0x3a;
    b[p++] = DIGITS2[mi * 2];
    b[p++] = DIGITS2[mi * 2 + 1];
    b[p++] = 0x3a;
    b[p++] = DIGITS2[s * 2];
    b[p++] = DIGITS2[s * 2 + 1];
    b[p++] = 0x2e;
    b[p++] = 0x30 + Math.floor(msec / 100);
    b[p++] = DIGITS2[(msec % 100) * 2];
    b[p++] = DIGITS2[(msec % 100) * 2 + 1];
    this.pos = p;
  }

  /** Eight hex digits of a 32-bit word (for URL paths). */
  hex32(x: number): void {
    const b = this.buf;
    let p = this.pos;
    for (let s = 28; s >= 0; s -= 4) b[p++] = HEX[(x >>> s) & 15];
    this.pos = p;
  }
}

/** Pre-escapes strings for CopyWriter.raw (pool values are escaped once, written many times). */
export function encodePool(values: readonly string[]): Uint8Array[] {
  return values.map((v) => Buffer.from(escapeCopy(v), "utf8"));
}

/** The same timestamp text CopyWriter.timestamp writes, as a string (record API, tests). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** 'YYYY-MM-DD ' for days 0..DATE_DAYS since 1970 (to 2189), filled on first use: 880 KB. */
const DATE_DAYS = 80_000;
const DATE_TABLE = new Uint8Array(DATE_DAYS * 11);
const DATE_READY = new Uint8Array(DATE_DAYS);

function fillDate(days: number): void {
  DATE_TABLE.set(dateBytes(days), days * 11);
  DATE_READY[days] = 1;
}

/** 'YYYY-MM-DD ' of any day (outside the table: a Map cache). */
const dateCache = new Map<number, Uint8Array>();

function dateBytes(days: number): Uint8Array {
  let d = dateCache.get(days);
  if (!d) {
    d = Buffer.from(`${new Date(days * 86400000).toISOString().slice(0, 10)} `, "latin1");
    dateCache.set(days, d);
  }
  return d;
}

import { createRequire } from "node:module";
import { Socket } from "node:net";
import pg from "pg";
import type { Statement } from "../types.ts";
import { connectionLost, decodeError } from "./error.ts";

const require = createRequire(import.meta.url);
/** node-pg's own parameter conversion (arrays, dates, JSON, buffers), so values bind identically */
const { prepareValue } = require("pg/lib/utils.js") as {
  prepareValue: (v: unknown) => string | Buffer | null;
};

type Parser = (text: string) => unknown;

/**
 * A statement as prepared on one connection: its SQL, its result columns, their
 * type OIDs and text parsers (looked up again before each query, so parsers
 * registered later with pg.types.setTypeParser apply, as with node-pg).
 */
interface Prepared {
  text: string;
  names: string[];
  oids: number[];
  parsers: Parser[];
}

/** Most parameters the protocol's Bind message can carry (an unsigned 16-bit count). */
const MAX_PARAMS = 65_535;

const SYNC_EXECUTE = Buffer.from([
  // Execute: unnamed portal, no row limit
  0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0,
  // Sync
  0x53, 0, 0, 0, 4,
]);
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

/**
 * One PostgreSQL connection that runs prepared statements over the extended
 * query protocol with as little work per query as the protocol allows: one
 * write (Bind, Execute, Sync in a reused buffer), one pass over the reply, rows
 * decoded with node-pg's type parsers. The first use of a statement on a
 * connection adds Parse and Describe to that same write, so preparing costs no
 * extra round trip.
 *
 * It does not authenticate or negotiate TLS itself: `connectWire` lets node-pg
 * do that (SCRAM, md5, SSL for Aurora) and then takes over the socket.
 * One query at a time per connection; PgStore hands out connections.
 */
export class WireConnection {
  private readonly prepared = new Map<string, Prepared>();
  private out = Buffer.allocUnsafe(1024);
  /** a message split across reads: its bytes so far (exactly its size once the header is known) */
  private pending: Buffer | null = null;
  private pendingFill = 0;
  // the query in flight
  private resolve: ((rows: unknown[]) => void) | null = null;
  private reject: ((e: unknown) => void) | null = null;
  private rows: unknown[] = [];
  private current: Prepared | null = null;
  private preparing: { name: string; prepared: Prepared } | null = null;
  private error: Error | null = null;
  private closedBy: Error | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly onLost: (conn: WireConnection) => void,
  ) {
    socket.on("error", (e: Error) => this.lose(connectionLost(e)));
    socket.on("close", () => this.lose(connectionLost()));
  }

  get alive(): boolean {
    return this.closedBy === null;
  }

  /** After a failed query: whether the next can run here (a lost socket or a FATAL error says no). */
  usable(): boolean {
    return this.alive;
  }

  /**
   * Runs `statement` with `params` (text format); resolves with row objects, as
   * node-pg would. Bad input (a name reused for other SQL, too many parameters,
   * a value node-pg cannot serialize) rejects before anything is sent, and the
   * connection stays usable.
   */
  query<R>(statement: Statement, params: readonly unknown[]): Promise<R[]> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    if (this.resolve)
      return Promise.reject(new Error("WireConnection: a query is already in flight"));
    let prepared = this.prepared.get(statement.name);
    const fresh = prepared === undefined;
    let at = 0;
    try {
      if (params.length > MAX_PARAMS)
        throw new Error(
          `statement "${statement.name}" has ${params.length} parameters; PostgreSQL takes at most ${MAX_PARAMS}`,
        );
      if (prepared === undefined) {
        prepared = { text: statement.text, names: [], oids: [], parsers: [] };
        at = this.writeParseDescribe(statement);
      } else if (prepared.text !== statement.text) {
        throw new Error(
          `Prepared statements must be unique - '${statement.name}' was used for a different statement`,
        );
      } else {
        const { oids, parsers } = prepared;
        for (let i = 0; i < oids.length; i++)
          parsers[i] = pg.types.getTypeParser(oids[i], "text") as Parser;
      }
      at = this.writeBind(at, statement.name, params);
    } catch (e) {
      return Promise.reject(e);
    }
    if (fresh) this.preparing = { name: statement.name, prepared };
    this.current = prepared;
    this.ensure(at + SYNC_EXECUTE.length);
    SYNC_EXECUTE.copy(this.out, at);
    at += SYNC_EXECUTE.length;
    this.rows = [];
    this.error = null;
    // The buffer is reused by the next query only after this one's reply has
    // arrived, so the kernel is long done with these bytes by then.
    this.socket.write(this.out.subarray(0, at));
    return new Promise<R[]>((resolve, reject) => {
      this.resolve = resolve as (rows: unknown[]) => void;
      this.reject = reject;
    });
  }

  /** Sends Terminate and closes the socket. */
  close(): Promise<void> {
    if (this.closedBy) return Promise.resolve();
    this.closedBy = new Error("Connection closed by the harness");
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.end(TERMINATE);
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private ensure(size: number): void {
    if (size <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(size, this.out.length * 2));
    this.out.copy(bigger);
    this.out = bigger;
  }

  private writeParseDescribe(statement: Statement): number {
    const name = Buffer.byteLength(statement.name);
    const text = Buffer.byteLength(statement.text);
    const parseLen = 4 + name + 1 + text + 1 + 2;
    const describeLen = 4 + 1 + name + 1;
    this.ensure(1 + parseLen + 1 + describeLen);
    const o = this.out;
    let at = 0;
    o[at++] = 0x50; // Parse
    at = o.writeInt32BE(parseLen, at);
    at += o.write(statement.name, at);
    o[at++] = 0;
    at += o.write(statement.text, at);
    o[at++] = 0;
    at = o.writeInt16BE(0, at); // parameter types: let the server infer them
    o[at++] = 0x44; // Describe
    at = o.writeInt32BE(describeLen, at);
    o[at++] = 0x53; // 'S'tatement
    at += o.write(statement.name, at);
    o[at++] = 0;
    return at;
  }

  private writeBind(start: number, name: string, params: readonly unknown[]): number {
    const n = params.length;
    let binary = false;
    // first pass: sizes (values converted once, into a reused scratch array)
    let size = 1 + 4 + 1 + Buffer.byteLength(name) + 1 + 2 + 2 + 2;
    const values = this.values;
    values.length = n;
    for (let i = 0; i < n; i++) {
      const v = prepareValue(params[i]);
      values[i] = v;
      size += 4;
      if (v === null) continue;
      if (typeof v === "string") size += Buffer.byteLength(v);
      else {
        binary = true;
        size += v.length;
      }
    }
    if (binary) size += 2 * n;
    this.ensure(start + size + SYNC_EXECUTE.length);
    const o = this.out;
    let at = start;
    o[at++] = 0x42; // Bind
    at = o.writeInt32BE(size - 1, at);
    o[at++] = 0; // unnamed portal
    at += o.write(name, at);
    o[at++] = 0;
    if (binary) {
      at = o.writeUInt16BE(n, at);
      for (let i = 0; i < n; i++)
        at = o.writeInt16BE(typeof values[i] === "object" && values[i] !== null ? 1 : 0, at);
    } else at = o.writeInt16BE(0, at); // all parameters in text format
    at = o.writeUInt16BE(n, at);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null) {
        at = o.writeInt32BE(-1, at);
      } else if (typeof v === "string") {
        const len = o.write(v, at + 4);
        o.writeInt32BE(len, at);
        at += 4 + len;
      } else {
        at = o.writeInt32BE(v.length, at);
        at += v.copy(o, at);
      }
      values[i] = null;
    }
    at = o.writeInt16BE(0, at); // all results in text format
    return at;
  }
  private readonly values: Array<string | Buffer | null> = [];

  /**
   * Feeds `length` bytes read from the socket. `chunk` may be a buffer the
   * socket reuses for its next read: whatever is kept (a partial message) is
   * copied, once, into a buffer of that message's size.
   */
  feed(chunk: Buffer, length: number): void {
    let at = 0;
    if (this.pending) {
      at = this.fillPending(chunk, length);
      if (this.pending) return; // still incomplete: the whole chunk went into it
    }
    while (length - at >= 5) {
      const len = chunk.readInt32BE(at + 1);
      if (length - at < 1 + len) break;
      this.onMessage(chunk[at], chunk, at + 5, at + 1 + len);
      at += 1 + len;
    }
    if (at < length) {
      // the start of a message: its header (if complete) says how big a buffer it needs
      const have = length - at;
      const size = have >= 5 ? 1 + chunk.readInt32BE(at + 1) : 5;
      this.pending = Buffer.allocUnsafe(size);
      chunk.copy(this.pending, 0, at, length);
      this.pendingFill = have;
    }
  }

  /** Adds bytes to the pending message; parses it when complete. Returns how much of chunk it used. */
  private fillPending(chunk: Buffer, length: number): number {
    let used = 0;
    let p = this.pending as Buffer;
    if (this.pendingFill < 5) {
      // the header itself was split: complete it, then size the buffer for the message
      used = Math.min(5 - this.pendingFill, length);
      chunk.copy(p, this.pendingFill, 0, used);
      this.pendingFill += used;
      if (this.pendingFill < 5) return used;
      const whole = Buffer.allocUnsafe(1 + p.readInt32BE(1));
      p.copy(whole, 0, 0, 5);
      this.pending = p = whole;
    }
    const take = Math.min(p.length - this.pendingFill, length - used);
    chunk.copy(p, this.pendingFill, used, used + take);
    this.pendingFill += take;
    used += take;
    if (this.pendingFill === p.length) {
      this.pending = null;
      this.pendingFill = 0;
      this.onMessage(p[0], p, 5, p.length);
    }
    return used;
  }

  private onMessage(type: number, buf: Buffer, start: number, end: number): void {
    switch (type) {
      case 0x44: // DataRow
        this.onDataRow(buf, start);
        return;
      case 0x5a: {
        // ReadyForQuery: the query is over
        const resolve = this.resolve;
        const reject = this.reject;
        this.resolve = null;
        this.reject = null;
        this.current = null;
        this.preparing = null;
        if (this.error) {
          const e = this.error;
          this.error = null;
          reject?.(e);
        } else resolve?.(this.rows);
        return;
      }
      case 0x31: // ParseComplete: the statement exists on the server now, even if Bind or Execute fail
        if (this.preparing) this.prepared.set(this.preparing.name, this.preparing.prepared);
        return;
      case 0x54: // RowDescription (of a statement being prepared)
        if (this.preparing) this.onRowDescription(buf, start, this.preparing.prepared);
        return;
      case 0x45: // ErrorResponse: the server skips to Sync, then ReadyForQuery follows
        this.error = decodeError(buf, start, end);
        if ((this.error as { severity?: string }).severity === "FATAL") this.lose(this.error);
        return;
      default:
        // ParseComplete, BindComplete, ParameterDescription, NoData, CommandComplete,
        // NoticeResponse, ParameterStatus, NotificationResponse: nothing to do
        return;
    }
  }

  private onRowDescription(buf: Buffer, start: number, prepared: Prepared): void {
    const n = buf.readInt16BE(start);
    let at = start + 2;
    for (let i = 0; i < n; i++) {
      const zero = buf.indexOf(0, at);
      prepared.names.push(buf.toString("utf8", at, zero));
      at = zero + 1;
      const typeOid = buf.readInt32BE(at + 6);
      prepared.oids.push(typeOid);
      prepared.parsers.push(pg.types.getTypeParser(typeOid, "text") as Parser);
      at += 18;
    }
  }

  private onDataRow(buf: Buffer, start: number): void {
    const p = this.current;
    if (p === null) return;
    const n = buf.readInt16BE(start);
    const names = p.names;
    const parsers = p.parsers;
    const row: Record<string, unknown> = {};
    let at = start + 2;
    for (let i = 0; i < n; i++) {
      const len = buf.readInt32BE(at);
      at += 4;
      if (len < 0) row[names[i]] = null;
      else {
        row[names[i]] = parsers[i](buf.toString("utf8", at, at + len));
        at += len;
      }
    }
    this.rows.push(row);
  }

  private lose(reason: Error): void {
    const first = this.closedBy === null;
    if (first) this.closedBy = reason;
    const reject = this.reject;
    this.resolve = null;
    this.reject = null;
    reject?.(this.error ?? reason);
    if (first) {
      this.socket.destroy();
      this.onLost(this);
    }
  }
}

/**
 * Opens a connection with node-pg (authentication, TLS, startup parameters),
 * then takes its socket over for the lean query path. The node-pg client
 * object is left behind; its listeners are removed from the socket.
 *
 * Without TLS the socket reads into one fixed buffer (`onread`), so a reply
 * costs no Buffer allocation and no stream machinery; until the takeover those
 * bytes are handed to node-pg as ordinary 'data' events.
 */
export async function connectWire(
  config: pg.ClientConfig,
  onLost: (conn: WireConnection) => void,
): Promise<WireConnection> {
  let conn: WireConnection | null = null;
  let raw: Socket | null = null;
  const options: pg.ClientConfig = { ...config };
  if (!config.ssl) {
    raw = new Socket({
      // @ts-expect-error: Node accepts onread in the constructor too (lib/net.js); @types/node lists it only for connect()
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER),
        callback(n: number, buf: Uint8Array): boolean {
          if (conn) conn.feed(buf as Buffer, n);
          else raw?.emit("data", Buffer.from(buf.subarray(0, n)));
          return true;
        },
      },
    });
    options.stream = () => raw as Socket;
  }
  const client = new pg.Client(options);
  client.on("error", () => {});
  await client.connect();
  const socket = (client as unknown as { connection: { stream: Socket } }).connection.stream;
  // node-pg's parser must not see our traffic; its 'error', 'close' and 'end'
  // listeners stay (they only tell the abandoned client, whose errors are ignored),
  // and so do Node's own (net and tls register some for 'end' and 'close')
  socket.removeAllListeners("data");
  conn = new WireConnection(socket, onLost);
  if (socket !== raw) socket.on("data", (chunk: Buffer) => conn?.feed(chunk, chunk.length));
  return conn;
}

const READ_BUFFER = 64 * 1024;

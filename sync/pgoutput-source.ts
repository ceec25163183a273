import pg from "pg";
import { LogicalReplicationService, PgoutputPlugin } from "pg-logical-replication";
import { PUBLICATION, slotName } from "../load/replication.ts";
import { pgClientConfig } from "../stores/postgres.ts";
import type { PgTarget } from "../stores/types.ts";
import type { ChangeSource, CommittedTx, RowChange } from "./source.ts";

/**
 * PostgreSQL logical decoding with the built-in pgoutput plugin, through
 * pg-logical-replication: committed transactions from the harness's slot, in
 * commit order (pgoutput sends a transaction whole, at its commit; the changes
 * keep their order inside it). Acknowledgement is manual: the slot's
 * confirmed position moves only when the projector says DynamoDB accepted
 * everything up to a transaction, so a crash replays from there (at least
 * once). Without acknowledgements the server would keep every WAL segment.
 */

/** "16/B374D848" as a number (the WAL position in bytes). */
export function lsnToBigInt(lsn: string): bigint {
  const [hi, lo] = lsn.split("/");
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export function bigIntToLsn(n: bigint): string {
  return `${(n >> 32n).toString(16).toUpperCase()}/${(n & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** A decoded column value as text (the RowChange contract); arrays as PostgreSQL array literals. */
function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (v instanceof Date) return v.toISOString().replace("T", " ").replace("Z", "");
  if (Array.isArray(v))
    return `{${v.map((e) => (e === null ? "NULL" : JSON.stringify(asText(e)))).join(",")}}`;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function rowText(row: Record<string, unknown> | null): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (!row) return out;
  for (const k in row) out[k] = asText(row[k]);
  return out;
}

/** Parses a one-dimensional PostgreSQL text array literal ({a,"b c",NULL}). */
export function parseTextArray(lit: string | null | undefined): string[] {
  if (!lit || lit.length < 2 || lit[0] !== "{") return [];
  const out: string[] = [];
  let i = 1;
  while (i < lit.length - 1) {
    if (lit[i] === ",") {
      i++;
      continue;
    }
    if (lit[i] === '"') {
      let s = "";
      i++;
      while (i < lit.length && lit[i] !== '"') {
        if (lit[i] === "\\") i++;
        s += lit[i++];
      }
      i++;
      out.push(s);
    } else {
      let j = i;
      while (j < lit.length - 1 && lit[j] !== ",") j++;
      const s = lit.slice(i, j);
      if (s !== "NULL") out.push(s);
      i = j;
    }
  }
  return out;
}

const MARK_PREFIX = "bellyfed_sync_mark";

export interface PgoutputSourceOptions {
  target: PgTarget;
  /** default: the database's harness slot (load/replication.ts) */
  slot?: string;
  /** at most this often the confirmed position is sent (ms); also on stop */
  ackIntervalMs?: number;
  onError?: (e: Error) => void;
}

interface Pending {
  position: bigint;
  commitTime: Date;
  xid: number;
  changes: RowChange[];
}

export class PgoutputSource implements ChangeSource {
  readonly kind = "pgoutput";
  readonly slot: string;
  private readonly service: LogicalReplicationService;
  private readonly opts: PgoutputSourceOptions;
  private tx: Pending | null = null;
  /** the end LSN of each delivered, unacknowledged transaction, by its commit LSN */
  private readonly endOf = new Map<bigint, bigint>();
  private acked = 0n;
  private sent = 0n;
  private busy = false;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  /** the last mark handled, and the last one made */
  private seenMark = 0n;
  private static lastMark = 0n;

  constructor(opts: PgoutputSourceOptions) {
    this.opts = opts;
    this.slot = opts.slot ?? slotName(opts.target.database);
    this.service = new LogicalReplicationService(pgClientConfig(opts.target), {
      // manual only: the library's timer would confirm what was received, not what was applied
      acknowledge: { auto: false, timeoutSeconds: 0 },
      flowControl: { enabled: true },
    });
  }

  async start(apply: (tx: CommittedTx) => Promise<void>): Promise<void> {
    const svc = this.service;
    svc.on("data", async (_lsn: string, msg: { tag: string } & Record<string, unknown>) => {
      switch (msg.tag) {
        case "message":
          // a mark (sync/projector.ts waitCaughtUp): everything committed before it has been handed over
          if (msg.prefix === MARK_PREFIX)
            this.seenMark = BigInt(Buffer.from(msg.content as Uint8Array).toString() || "0");
          return;
        case "begin":
          this.busy = true;
          this.tx = {
            position: lsnToBigInt(msg.commitLsn as string),
            commitTime: new Date(Number((msg.commitTime as bigint) / 1000n)),
            xid: msg.xid as number,
            changes: [],
          };
          return;
        case "insert":
          this.tx?.changes.push({
            table: (msg.relation as { name: string }).name,
            op: "insert",
            row: rowText(msg.new as Record<string, unknown>),
          });
          return;
        case "update": {
          const table = (msg.relation as { name: string }).name;
          // the old row first (REPLICA IDENTITY FULL): the keys it leaves are affected too
          if (msg.old)
            this.tx?.changes.push({
              table,
              op: "delete",
              row: rowText(msg.old as Record<string, unknown>),
            });
          this.tx?.changes.push({
            table,
            op: "update",
            row: rowText(msg.new as Record<string, unknown>),
          });
          return;
        }
        case "delete":
          this.tx?.changes.push({
            table: (msg.relation as { name: string }).name,
            op: "delete",
            row: rowText((msg.old ?? msg.key) as Record<string, unknown>),
          });
          return;
        case "commit": {
          const tx = this.tx;
          this.tx = null;
          if (!tx) return;
          this.endOf.set(tx.position, lsnToBigInt(msg.commitEndLsn as string));
          try {
            // an empty one too: acknowledgements must follow commit order, and the
            // projector may still be applying the transactions before it
            await apply(tx);
          } finally {
            this.busy = false;
          }
          return;
        }
        default:
          return;
      }
    });
    // keepalives: answer with the applied position; when nothing is in hand,
    // the server's position (WAL of other tables and databases) is confirmed
    // too, so an idle slot does not hold WAL
    svc.on("heartbeat", (lsn: string, _ts: number, shouldRespond: boolean) => {
      const internals = svc as unknown as { _messageQueue: unknown[]; _processing: boolean };
      const idle = !this.busy && internals._messageQueue.length === 0 && !internals._processing;
      if (idle && this.endOf.size === 0) {
        const at = lsnToBigInt(lsn);
        if (at > this.acked) this.acked = at;
      }
      if (shouldRespond || this.acked > this.sent) this.flushAck();
    });
    const failed = new Promise<void>((_, reject) => {
      svc.on("error", (e: Error) => {
        if (this.stopping) return;
        this.opts.onError?.(e);
        reject(e);
      });
    });
    this.timer = setInterval(() => {
      if (this.acked > this.sent) this.flushAck();
    }, this.opts.ackIntervalMs ?? 200);
    this.timer.unref();
    const plugin = new PgoutputPlugin({
      protoVersion: 1,
      publicationNames: [PUBLICATION],
      messages: true,
    });
    // subscribe's promise settles when the replication connection ends
    await Promise.race([svc.subscribe(plugin, this.slot), failed]);
  }

  /** A logical decoding message in the WAL: handled after every transaction committed before it. */
  async mark(): Promise<bigint> {
    let id = BigInt(Date.now()) * 1000n;
    if (id <= PgoutputSource.lastMark) id = PgoutputSource.lastMark + 1n;
    PgoutputSource.lastMark = id;
    const c = new pg.Client(pgClientConfig(this.opts.target));
    c.on("error", () => {});
    await c.connect();
    try {
      await c.query("SELECT pg_logical_emit_message(false, $1, $2)", [MARK_PREFIX, id.toString()]);
      return id;
    } finally {
      await c.end().catch(() => {});
    }
  }

  /** The last mark handled: every transaction committed before it has been handed to `apply`. */
  seen(): bigint {
    return this.seenMark;
  }

  private flushAck(): void {
    if (this.acked === 0n) return;
    this.sent = this.acked;
    // the library reports lsn + 1 as flushed: the slot restarts after this position
    void this.service.acknowledge(bigIntToLsn(this.acked)).catch(() => {});
  }

  async acknowledge(position: bigint): Promise<void> {
    // the end of the transaction at `position`: its commit record is behind the slot
    let end = position;
    for (const [p, e] of this.endOf) {
      if (p > position) break;
      if (e > end) end = e;
      this.endOf.delete(p);
    }
    if (end > this.acked) this.acked = end;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.acked > this.sent) this.flushAck();
    // give the last standby status message a moment to leave before the socket closes
    await new Promise((r) => setTimeout(r, 50));
    await this.service.stop().catch(() => {});
  }
}

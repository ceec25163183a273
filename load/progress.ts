/**
 * Progress of a load on stderr. On a terminal: one bar per table, redrawn in
 * place twice a second (rows, rows/s, MB/s, ETA). Otherwise: a plain line
 * every few seconds with the tables in flight, and one line when a table ends.
 * Loaders report through `LoadProgress`; `onProgress` callers get the same events.
 */

export interface ProgressEvent {
  /** table (PostgreSQL) or read model (DynamoDB) */
  name: string;
  done: number;
  total: number;
  bytes: number;
  finished: boolean;
}

export type ProgressListener = (e: ProgressEvent) => void;

interface Row {
  name: string;
  done: number;
  total: number;
  bytes: number;
  startMs: number;
  endMs: number | null;
}

const BAR = 24;

function fmtRate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

function fmtSecs(s: number): string {
  if (!Number.isFinite(s)) return "--";
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${s.toFixed(0)}s`;
}

export class LoadProgress {
  private readonly rows = new Map<string, Row>();
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  private readonly tty: boolean;

  constructor(
    private readonly unit: string,
    private readonly out: NodeJS.WriteStream | null = process.stderr,
    private readonly listener?: ProgressListener,
    intervalMs?: number,
  ) {
    this.tty = out?.isTTY === true;
    if (!out) return;
    this.timer = setInterval(() => this.tick(), intervalMs ?? (this.tty ? 500 : 5000));
    this.timer.unref();
  }

  /** Declares a table before its first rows (so bars appear in a stable order). */
  add(name: string, total: number): void {
    if (!this.rows.has(name))
      this.rows.set(name, { name, done: 0, total, bytes: 0, startMs: 0, endMs: null });
  }

  update(name: string, rowsDelta: number, bytesDelta: number): void {
    const r = this.row(name);
    if (r.startMs === 0) r.startMs = Date.now();
    r.done += rowsDelta;
    r.bytes += bytesDelta;
    this.listener?.({ name, done: r.done, total: r.total, bytes: r.bytes, finished: false });
  }

  finish(name: string): void {
    const r = this.row(name);
    if (r.startMs === 0) r.startMs = Date.now();
    r.endMs = Date.now();
    this.listener?.({ name, done: r.done, total: r.total, bytes: r.bytes, finished: true });
    if (this.out && !this.tty) this.out.write(`${this.line(r)}\n`);
  }

  /** A free-form line (a phase: "adding foreign keys"). */
  note(text: string): void {
    if (!this.out) return;
    if (this.tty) this.clear();
    this.out.write(`${text}\n`);
    if (this.tty) this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.out && this.tty) this.draw();
  }

  private row(name: string): Row {
    let r = this.rows.get(name);
    if (!r) {
      r = { name, done: 0, total: 0, bytes: 0, startMs: 0, endMs: null };
      this.rows.set(name, r);
    }
    return r;
  }

  line(r: Row): string {
    const now = r.endMs ?? Date.now();
    const secs = Math.max(0.001, (now - (r.startMs || now)) / 1000);
    const rate = r.done / secs;
    const mbs = r.bytes / 1e6 / secs;
    const frac = r.total > 0 ? Math.min(1, r.done / r.total) : r.endMs ? 1 : 0;
    const width = Math.max(...[...this.rows.keys()].map((k) => k.length));
    const eta = r.endMs
      ? `done in ${fmtSecs(secs)}`
      : r.total > 0
        ? `ETA ${fmtSecs((r.total - r.done) / rate)}`
        : "";
    const filled = Math.round(frac * BAR);
    // with no known total (read models streamed from SQL) there is no bar or percentage to show
    const known = r.total > 0 || r.endMs !== null;
    const bar = known
      ? `[${"#".repeat(filled)}${"-".repeat(BAR - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%`
      : `[${" ".repeat(BAR)}]  ..`;
    const mb = r.bytes > 0 ? `  ${mbs.toFixed(1)} MB/s` : "";
    return `${r.name.padEnd(width)} ${bar}  ${r.done.toLocaleString("en-US")}${r.total > 0 ? `/${r.total.toLocaleString("en-US")}` : ""} ${this.unit}  ${fmtRate(rate)} ${this.unit}/s${mb}  ${r.startMs ? eta : "waiting"}`;
  }

  private tick(): void {
    if (!this.out) return;
    if (this.tty) {
      this.draw();
      return;
    }
    const active = [...this.rows.values()].filter((r) => r.startMs > 0 && r.endMs === null);
    for (const r of active) this.out.write(`${this.line(r)}\n`);
  }

  private clear(): void {
    if (!this.out || this.drawn === 0) return;
    this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    if (!this.out) return;
    this.clear();
    const lines = [...this.rows.values()].map((r) => this.line(r));
    if (lines.length === 0) return;
    this.out.write(`${lines.join("\n")}\n`);
    this.drawn = lines.length;
  }
}

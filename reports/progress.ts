import type { LiveStats } from "../engine/live.ts";

const NONE: LiveStats = { ok: 0, errors: 0, dropped: 0, p99Ms: 0, warmupOk: 0, warmupErrors: 0 };

const count = (x: number) => Math.round(x).toLocaleString("en-US");

/**
 * Live progress of one scenario on stderr: on a terminal a line redrawn
 * every second (elapsed, ops/s, p99 of the last second, errors); otherwise a
 * plain line every 5 s. During the warm-up the line says so and shows the
 * warm-up's own rate (those operations are in no result). Nothing when quiet.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private stats: (() => LiveStats) | undefined;
  private startMs = Date.now();
  private lastDone = 0;
  private lastMs = Date.now();
  private readonly tty: boolean;
  private readonly warmupMs: number;

  constructor(
    private readonly name: string,
    /** warm-up + measured duration, ms; undefined when bounded by iterations */
    private readonly totalMs: number | undefined,
    private readonly out: NodeJS.WriteStream = process.stderr,
    quiet = false,
    opts: { warmupMs?: number } = {},
  ) {
    this.warmupMs = opts.warmupMs ?? 0;
    this.tty = !quiet && out.isTTY === true;
    if (quiet) return;
    this.timer = setInterval(() => this.tick(), this.tty ? 1000 : 5000);
    this.timer.unref();
  }

  /** the load starts now (setup is done): the clock and the figures begin here */
  attach(stats: () => LiveStats): void {
    this.stats = stats;
    this.startMs = Date.now();
    this.lastMs = this.startMs;
    this.lastDone = 0;
  }

  line(): string {
    const now = Date.now();
    const s = this.stats?.() ?? NONE;
    // successful operations, warm-up and measured together, so the rate carries over the boundary
    const done = s.warmupOk + s.ok;
    const rate = ((done - this.lastDone) * 1000) / Math.max(1, now - this.lastMs);
    this.lastDone = done;
    this.lastMs = now;
    const sinceMs = now - this.startMs;
    if (sinceMs < this.warmupMs) {
      const w = `${Math.floor(sinceMs / 1000)}/${Math.ceil(this.warmupMs / 1000)} s`;
      return `${this.name} warm-up ${w}, ${count(rate)} ops/s  errors ${count(s.warmupErrors)}  (not measured)`;
    }
    const elapsed = sinceMs / 1000;
    let bar = "";
    if (this.totalMs !== undefined) {
      const frac = Math.min(1, sinceMs / this.totalMs);
      const width = 20;
      const filled = Math.round(frac * width);
      bar = `[${"=".repeat(filled)}${" ".repeat(width - filled)}] ${elapsed.toFixed(0)}s/${(this.totalMs / 1000).toFixed(0)}s`;
    } else bar = `${elapsed.toFixed(0)}s`;
    return `${this.name} ${bar}  ${count(rate)} ops/s  p99 ${s.p99Ms > 0 ? `${s.p99Ms.toFixed(2)}ms` : "-"}  ok ${count(s.ok)}  errors ${count(s.errors)}  dropped ${count(s.dropped)}`;
  }

  private tick(): void {
    // nothing to say until the load has run for a moment
    if (!this.stats || Date.now() - this.lastMs < 500) return;
    if (this.tty) this.out.write(`\r\x1b[K${this.line()}`);
    else this.out.write(`${this.line()}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.out.write("\r\x1b[K");
  }
}

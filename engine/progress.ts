import type { LiveStats } from "./live.ts";

/**
 * Live progress of one scenario on stderr: on a terminal a line redrawn
 * every second (elapsed, ops/s, p99 of the last second, errors); otherwise a
 * plain line every 5 s. Nothing when quiet.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private stats: (() => LiveStats) | undefined;
  private startMs = Date.now();
  private lastOk = 0;
  private lastMs = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly name: string,
    /** warm-up + measured duration, ms; undefined when bounded by iterations */
    private readonly totalMs: number | undefined,
    private readonly out: NodeJS.WriteStream = process.stderr,
    quiet = false,
  ) {
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
    this.lastOk = 0;
  }

  line(): string {
    const now = Date.now();
    const s = this.stats?.() ?? { ok: 0, errors: 0, dropped: 0, p99Ms: 0 };
    const rate = ((s.ok - this.lastOk) * 1000) / Math.max(1, now - this.lastMs);
    this.lastOk = s.ok;
    this.lastMs = now;
    const elapsed = (now - this.startMs) / 1000;
    let bar = "";
    if (this.totalMs !== undefined) {
      const frac = Math.min(1, (now - this.startMs) / this.totalMs);
      const width = 20;
      const done = Math.round(frac * width);
      bar = `[${"=".repeat(done)}${" ".repeat(width - done)}] ${elapsed.toFixed(0)}s/${(this.totalMs / 1000).toFixed(0)}s`;
    } else bar = `${elapsed.toFixed(0)}s`;
    return `${this.name} ${bar}  ${rate.toFixed(0)} ops/s  p99 ${s.p99Ms.toFixed(2)}ms  ok ${s.ok}  errors ${s.errors}  dropped ${s.dropped}`;
  }

  private tick(): void {
    if (!this.stats) return;
    if (this.tty) this.out.write(`\r\x1b[K${this.line()}`);
    else this.out.write(`${this.line()}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.out.write("\r\x1b[K");
  }
}

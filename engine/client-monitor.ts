import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { nowUs } from "../core/clock.ts";
import type { ClientSecond } from "../core/result.ts";

/**
 * The load generator's own share of each second of the measured window:
 * event-loop delay (perf_hooks.monitorEventLoopDelay, sampled every 5 ms) and
 * GC pause time (a PerformanceObserver on 'gc' entries). A second in which the
 * loop was blocked or the collector ran is slow for every operation this
 * thread times, whatever the database did: the result keeps both per second,
 * and the summary shows them beside the slowest seconds.
 *
 * One timer, once a second, on the measured window's second boundaries; the
 * warm-up's figures are discarded at the window's start. Nothing on the
 * per-operation path.
 */
export class ClientMonitor {
  private readonly loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.gcMs += e.duration;
  });
  private gcMs = 0;
  private readonly seconds: ClientSecond[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** the next second boundary's index (0: the window's start) */
  private next = 0;
  private running = false;

  constructor(private readonly measureStartUs: number) {}

  start(): void {
    this.running = true;
    this.loop.enable();
    this.gc.observe({ entryTypes: ["gc"] });
    this.schedule();
  }

  private schedule(): void {
    const dueUs = this.measureStartUs + this.next * 1e6;
    this.timer = setTimeout(() => this.tick(), Math.max(0, (dueUs - nowUs()) / 1000));
    this.timer.unref();
  }

  private tick(): void {
    if (!this.running) return;
    // the boundary this timer was set for (a timer may fire a fraction of a millisecond
    // early); a later one when the loop was blocked past it: the figures go to the second that ends now
    const boundary = Math.max(this.next, Math.floor((nowUs() - this.measureStartUs) / 1e6 + 0.01));
    if (boundary >= 1) this.take(boundary - 1);
    else this.clear();
    this.next = Math.max(boundary, 0) + 1;
    this.schedule();
  }

  private take(sec: number): void {
    const l = this.loop;
    this.seconds[sec] = {
      loopDelayP99Ms: l.count > 0 ? delayMs(l.percentile(99)) : 0,
      loopDelayMaxMs: l.count > 0 ? delayMs(l.max) : 0,
      gcMs: round(this.gcMs),
    };
    this.clear();
  }

  private clear(): void {
    this.loop.reset();
    this.gcMs = 0;
  }

  /** Stops and returns the figures per second of the window (the last, partial second included). */
  stop(): ClientSecond[] {
    if (this.running) {
      this.running = false;
      if (this.timer) clearTimeout(this.timer);
      const sec = Math.floor((nowUs() - this.measureStartUs) / 1e6);
      if (sec >= 0 && this.seconds[sec] === undefined) this.take(sec);
      this.loop.disable();
      this.gc.disconnect();
    }
    return this.seconds;
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** How often the event-loop delay is sampled, ms. */
const LOOP_RESOLUTION_MS = 5;

/**
 * monitorEventLoopDelay records the time between its timer's runs, the
 * resolution included (an idle loop reads about 5 ms at a 5 ms resolution):
 * the delay is what exceeds the resolution.
 */
const delayMs = (ns: number) => round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));

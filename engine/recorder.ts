import { redact } from "../core/errors.ts";
import { encodeHistogram } from "../core/histogram.ts";
import type { ClientSecond, ErrorClass } from "../core/result.ts";
import { classifyError } from "./classify.ts";
import { Counts } from "./counts.ts";
import type { LiveStats } from "./live.ts";

/**
 * What one load generator measured, as plain data (it crosses thread
 * boundaries by postMessage and is merged by engine/merge-outcomes.ts).
 * Histograms are encoded (compressed base64), in microseconds.
 */
export interface Outcome {
  /** every successful operation of the measured window, interrupted ones included */
  ok: number;
  /** successful operations that completed inside the measured window (throughput counts these) */
  okInWindow: number;
  errors: Record<ErrorClass, number>;
  dropped: number;
  /** operations started for the measured window that completed after it ended (ok or not) */
  interrupted: number;
  /** operations of the warm-up (in no other figure) */
  warmup: { ok: number; errors: number };
  sampleErrors: string[];
  /** from the scheduled (intended) start of each operation */
  latency: string;
  /** from the store's first send (core/op-clock.ts), else from the actual start */
  serviceTime: string;
  /** latency minus service time: schedule lag plus waiting for a connection */
  wait: string;
  /** one entry per second of the measured window, by completion time */
  seconds: Array<{
    ops: number;
    errors: number;
    dropped: number;
    /** the second's latency histogram, encoded at the whole run's precision */
    latency: string | null;
    client?: ClientSecond;
  }>;
  /** epoch microseconds: start and end of the measured window (end: Infinity when only iterations bound it), and the last completion */
  measureStartUs: number;
  measureEndUs: number;
  lastEndUs: number;
}

const MAX_SAMPLE_ERRORS = 5;

/**
 * Records operations of the measured window: anything whose intended start
 * is before `measureStartUs` is warm-up, counted apart and in no figure.
 *
 * Every finished operation (successful or not; a timed-out one when it is
 * declared timed out) goes into the latency, service-time and wait
 * histograms, so failures cannot hide a tail. An operation that completes
 * after the window's end (`measureEndUs`) is counted as interrupted: it stays
 * in every histogram (leaving it out would hide exactly the overload tail) but
 * not in throughput, which counts completions inside the window. Per-second
 * figures are bucketed by completion time, each second's latency histogram at
 * the whole run's precision; dropped arrivals by their intended start.
 *
 * Hot path (ok): four bucket increments (engine/counts.ts), a few
 * comparisons and array writes; once per second the second's counts are
 * encoded.
 */
export class Recorder {
  readonly latency = new Counts(3);
  readonly serviceTime = new Counts(3);
  readonly wait = new Counts(3);
  ok = 0;
  okInWindow = 0;
  readonly errors: Record<ErrorClass, number> = {
    timeout: 0,
    throttled: 0,
    connection: 0,
    query: 0,
    other: 0,
  };
  dropped = 0;
  interrupted = 0;
  /** operations of the warm-up: in the result's `warmup` and the progress line, in no other figure */
  warmupOk = 0;
  warmupErrors = 0;
  readonly sampleErrors: string[] = [];
  lastEndUs = 0;

  private readonly secOps: number[] = [];
  private readonly secErrors: number[] = [];
  private readonly secDropped: number[] = [];
  /** encoded latency histograms of completed seconds; the current second records into `secCounts` */
  private readonly secEncoded: Array<string | null> = [];
  private readonly secCounts = new Counts(3);
  private curSec = -1;
  private lastSecondP99Ms = 0;

  constructor(
    readonly measureStartUs: number,
    /** end of the measured window; Infinity when only iterations bound the run */
    readonly measureEndUs = Number.POSITIVE_INFINITY,
  ) {}

  /** true when an operation intended to start at this time is measured */
  measures(intendedUs: number): boolean {
    return intendedUs >= this.measureStartUs;
  }

  success(intendedUs: number, startUs: number, sentUs: number, endUs: number): void {
    if (intendedUs < this.measureStartUs) {
      this.warmupOk++;
      return;
    }
    this.ok++;
    if (endUs <= this.measureEndUs) this.okInWindow++;
    this.finish(intendedUs, startUs, sentUs, endUs);
    this.secOps[this.curSec]++;
  }

  failure(
    intendedUs: number,
    startUs: number,
    sentUs: number,
    endUs: number,
    error: unknown,
  ): void {
    if (intendedUs < this.measureStartUs) {
      this.warmupErrors++;
      return;
    }
    this.countError(classifyError(error), error);
    this.finish(intendedUs, startUs, sentUs, endUs);
    this.secErrors[this.curSec]++;
  }

  timeout(
    intendedUs: number,
    startUs: number,
    sentUs: number,
    endUs: number,
    timeoutMs: number,
  ): void {
    if (intendedUs < this.measureStartUs) {
      this.warmupErrors++;
      return;
    }
    this.countError("timeout", `timeout: operation timed out after ${timeoutMs} ms`);
    this.finish(intendedUs, startUs, sentUs, endUs);
    this.secErrors[this.curSec]++;
  }

  drop(intendedUs: number): void {
    this.dropMany(intendedUs, 1);
  }

  /** `n` arrivals due in the second of `intendedUs` that could not start (counted in bulk) */
  dropMany(intendedUs: number, n: number): void {
    if (intendedUs < this.measureStartUs || n <= 0) return;
    this.dropped += n;
    const sec = Math.floor((intendedUs - this.measureStartUs) / 1e6);
    this.ensureSecond(sec);
    this.secDropped[sec] += n;
  }

  get errorCount(): number {
    const e = this.errors;
    return e.timeout + e.throttled + e.connection + e.query + e.other;
  }

  /** p99 of the last completed second (live progress), in ms */
  recentP99Ms(): number {
    return this.lastSecondP99Ms;
  }

  /** The figures progress lines show (read about once a second, off the hot path). */
  liveStats(): LiveStats {
    return {
      ok: this.ok,
      errors: this.errorCount,
      dropped: this.dropped,
      p99Ms: this.lastSecondP99Ms,
      warmupOk: this.warmupOk,
      warmupErrors: this.warmupErrors,
    };
  }

  /** `client`: the client's own figures per second of the window (engine/client-monitor.ts) */
  outcome(client: ClientSecond[] = []): Outcome {
    this.closeSecond();
    const seconds: Outcome["seconds"] = [];
    for (let i = 0; i < Math.max(this.secOps.length, client.length); i++) {
      this.ensureSecond(i);
      const point: Outcome["seconds"][number] = {
        ops: this.secOps[i],
        errors: this.secErrors[i],
        dropped: this.secDropped[i],
        latency: this.secEncoded[i] ?? null,
      };
      if (client[i]) point.client = client[i];
      seconds.push(point);
    }
    return {
      ok: this.ok,
      okInWindow: this.okInWindow,
      errors: { ...this.errors },
      dropped: this.dropped,
      interrupted: this.interrupted,
      warmup: { ok: this.warmupOk, errors: this.warmupErrors },
      sampleErrors: [...this.sampleErrors],
      latency: encodeHistogram(this.latency.toHistogram()),
      serviceTime: encodeHistogram(this.serviceTime.toHistogram()),
      wait: encodeHistogram(this.wait.toHistogram()),
      seconds,
      measureStartUs: this.measureStartUs,
      measureEndUs: this.measureEndUs,
      lastEndUs: this.lastEndUs,
    };
  }

  private finish(intendedUs: number, startUs: number, sentUs: number, endUs: number): void {
    // service time starts at the store's first send; an operation that never sent (no store,
    // or failed before sending) is timed from its actual start
    const serviceStartUs = sentUs > 0 ? sentUs : startUs;
    const latency = endUs - intendedUs;
    this.latency.record(latency);
    this.serviceTime.record(endUs - serviceStartUs);
    this.wait.record(serviceStartUs - intendedUs);
    if (endUs > this.measureEndUs) this.interrupted++;
    if (endUs > this.lastEndUs) this.lastEndUs = endUs;
    const sec = Math.floor((endUs - this.measureStartUs) / 1e6);
    if (sec !== this.curSec) this.moveTo(sec);
    this.secCounts.record(latency);
  }

  /** completions come in time order: a new second closes the current one (once per second) */
  private moveTo(sec: number): void {
    this.closeSecond();
    this.ensureSecond(sec);
    this.curSec = sec;
  }

  private closeSecond(): void {
    if (this.curSec < 0 || this.secCounts.total === 0) return;
    const h = this.secCounts.toHistogram();
    this.secEncoded[this.curSec] = encodeHistogram(h);
    this.lastSecondP99Ms = h.getValueAtPercentile(99) / 1000;
    this.secCounts.reset();
  }

  private ensureSecond(sec: number): void {
    while (this.secOps.length <= sec) {
      this.secOps.push(0);
      this.secErrors.push(0);
      this.secDropped.push(0);
      this.secEncoded.push(null);
    }
  }

  private countError(cls: ErrorClass, error: unknown): void {
    this.errors[cls]++;
    if (this.sampleErrors.length >= MAX_SAMPLE_ERRORS) return;
    const e = error as { message?: unknown; code?: unknown; name?: unknown } | null;
    const text =
      typeof error === "string"
        ? error
        : `${cls}: ${typeof e?.name === "string" && e.name !== "Error" ? `${e.name}: ` : ""}${String(e?.message ?? error)}${typeof e?.code === "string" ? ` (${e.code})` : ""}`;
    const line = redact(text.split("\n")[0]).slice(0, 300);
    if (!this.sampleErrors.includes(line)) this.sampleErrors.push(line);
  }
}

import { redact } from "../scripts/lib/errors.ts";
import { classifyError } from "./classify.ts";
import { createHistogram, encodeHistogram, type Histogram, recordUs } from "./histogram.ts";
import type { ErrorClass } from "./result.ts";

/**
 * What one load generator measured, as plain data (it crosses thread
 * boundaries by postMessage and is merged by engine/merge-outcomes.ts).
 * Histograms are encoded (compressed base64), in microseconds.
 */
export interface Outcome {
  ok: number;
  errors: Record<ErrorClass, number>;
  dropped: number;
  sampleErrors: string[];
  /** from the scheduled (intended) start of each operation */
  latency: string;
  /** from the actual start of each operation */
  serviceTime: string;
  /** one entry per second of the measured window, by completion time */
  seconds: Array<{ ops: number; errors: number; dropped: number; latency: string | null }>;
  /** epoch microseconds: start of the measured window and the last completion in it */
  measureStartUs: number;
  lastEndUs: number;
}

const MAX_SAMPLE_ERRORS = 5;

/**
 * Records operations of the measured window: anything whose intended start
 * is before `measureStartUs` is warm-up and ignored.
 *
 * Every finished operation (successful or not; a timed-out one when it is
 * declared timed out) goes into the latency and service-time histograms, so
 * failures cannot hide a tail. Per-second figures are bucketed by completion
 * time; dropped iterations by their intended start.
 *
 * Hot path (ok): two clamps, three histogram increments, two array writes.
 */
export class Recorder {
  readonly latency: Histogram = createHistogram(3);
  readonly serviceTime: Histogram = createHistogram(3);
  ok = 0;
  readonly errors: Record<ErrorClass, number> = {
    timeout: 0,
    throttled: 0,
    connection: 0,
    query: 0,
    other: 0,
  };
  dropped = 0;
  readonly sampleErrors: string[] = [];
  lastEndUs = 0;

  private readonly secOps: number[] = [];
  private readonly secErrors: number[] = [];
  private readonly secDropped: number[] = [];
  private readonly secHist: Array<Histogram | undefined> = [];
  private curSec = -1;
  private curHist: Histogram | undefined;

  constructor(readonly measureStartUs: number) {}

  /** true when an operation intended to start at this time is measured */
  measures(intendedUs: number): boolean {
    return intendedUs >= this.measureStartUs;
  }

  success(intendedUs: number, startUs: number, endUs: number): void {
    if (intendedUs < this.measureStartUs) return;
    this.ok++;
    this.finish(intendedUs, startUs, endUs);
    this.secOps[this.curSec]++;
  }

  failure(intendedUs: number, startUs: number, endUs: number, error: unknown): void {
    if (intendedUs < this.measureStartUs) return;
    this.countError(classifyError(error), error);
    this.finish(intendedUs, startUs, endUs);
    this.secErrors[this.curSec]++;
  }

  timeout(intendedUs: number, startUs: number, endUs: number, timeoutMs: number): void {
    if (intendedUs < this.measureStartUs) return;
    this.countError("timeout", `timeout: operation timed out after ${timeoutMs} ms`);
    this.finish(intendedUs, startUs, endUs);
    this.secErrors[this.curSec]++;
  }

  drop(intendedUs: number): void {
    if (intendedUs < this.measureStartUs) return;
    this.dropped++;
    const sec = Math.floor((intendedUs - this.measureStartUs) / 1e6);
    this.ensureSecond(sec);
    this.secDropped[sec]++;
  }

  get errorCount(): number {
    const e = this.errors;
    return e.timeout + e.throttled + e.connection + e.query + e.other;
  }

  /** p99 of the last complete second (live progress), in ms */
  recentP99Ms(): number {
    const h = this.secHist[this.curSec - 1] ?? this.curHist;
    return h && h.totalCount > 0 ? h.getValueAtPercentile(99) / 1000 : 0;
  }

  outcome(): Outcome {
    const seconds: Outcome["seconds"] = [];
    for (let i = 0; i < this.secOps.length; i++) {
      const h = this.secHist[i];
      seconds.push({
        ops: this.secOps[i],
        errors: this.secErrors[i],
        dropped: this.secDropped[i],
        latency: h && h.totalCount > 0 ? encodeHistogram(h) : null,
      });
    }
    return {
      ok: this.ok,
      errors: { ...this.errors },
      dropped: this.dropped,
      sampleErrors: [...this.sampleErrors],
      latency: encodeHistogram(this.latency),
      serviceTime: encodeHistogram(this.serviceTime),
      seconds,
      measureStartUs: this.measureStartUs,
      lastEndUs: this.lastEndUs,
    };
  }

  private finish(intendedUs: number, startUs: number, endUs: number): void {
    recordUs(this.latency, endUs - intendedUs);
    recordUs(this.serviceTime, endUs - startUs);
    if (endUs > this.lastEndUs) this.lastEndUs = endUs;
    const sec = Math.floor((endUs - this.measureStartUs) / 1e6);
    if (sec !== this.curSec) this.moveTo(sec);
    recordUs(this.curHist!, endUs - intendedUs);
  }

  private moveTo(sec: number): void {
    this.ensureSecond(sec);
    let h = this.secHist[sec];
    if (h === undefined) {
      h = createHistogram(2);
      this.secHist[sec] = h;
    }
    this.curSec = sec;
    this.curHist = h;
  }

  private ensureSecond(sec: number): void {
    while (this.secOps.length <= sec) {
      this.secOps.push(0);
      this.secErrors.push(0);
      this.secDropped.push(0);
      this.secHist.push(undefined);
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

import { nowUs } from "../core/clock.ts";
import type { Histogram } from "../core/histogram.ts";
import { evaluateThresholds, type Threshold } from "../core/thresholds.ts";

/** The figures a running scenario's abortOnFail thresholds are evaluated on (all generators together). */
export interface LiveFigures {
  ok: number;
  okInWindow: number;
  errors: number;
  dropped: number;
  latency: Histogram;
  serviceTime: Histogram;
  wait: Histogram;
}

/**
 * k6's abortOnFail: thresholds marked so are evaluated every second while the
 * run goes (on everything measured so far), from the end of their
 * delayAbortEval on; the first that fails stops the run and names itself as
 * the reason. Throughput so far is successful completions over the measured
 * time so far.
 */
export class LiveThresholds {
  private readonly watched: Threshold[];

  constructor(thresholds: Threshold[]) {
    // freshness is measured by the scenario and known at the end only: never watched live
    this.watched = thresholds.filter(
      (t) => t.abortOnFail && t.metric !== "freshness" && t.metric !== "sync_lag",
    );
  }

  get active(): boolean {
    return this.watched.length > 0;
  }

  /** the reason to abort, or undefined while every watched threshold holds */
  check(f: LiveFigures, measureStartUs: number): string | undefined {
    const elapsedMs = (nowUs() - measureStartUs) / 1000;
    if (elapsedMs < 1000) return undefined; // the warm-up, or less than a second measured
    const due = this.watched.filter((t) => elapsedMs >= (t.delayAbortEvalMs ?? 0));
    if (due.length === 0) return undefined;
    const outcomes = evaluateThresholds(due, {
      latency: f.latency,
      serviceTime: f.serviceTime,
      wait: f.wait,
      ok: f.ok,
      errors: f.errors,
      dropped: f.dropped,
      throughput: f.okInWindow / (elapsedMs / 1000),
    });
    // the implicit operations ok>0 comes first: it may fail before the first completion, never abort on it
    const failed = outcomes.slice(1).find((o) => !o.ok);
    if (!failed) return undefined;
    return `threshold ${failed.metric} ${failed.expression} failed with abortOnFail (actual ${round(failed.actual)} after ${(elapsedMs / 1000).toFixed(1)} s measured)`;
  }
}

const round = (v: number) => (Number.isInteger(v) ? v : Number(v.toPrecision(3)));

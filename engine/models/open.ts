import { nowUs } from "../../core/clock.ts";
import { UsageError } from "../../core/errors.ts";
import type { LoadModel } from "../../core/result.ts";
import { type Op, Slot, type SlotHost, startOp, TimeoutSweep } from "../inflight.ts";
import type { Recorder } from "../recorder.ts";
import { ArrivalSchedule } from "./arrivals.ts";
import { defaultMaxInFlight, type ModelDefinition, rateText } from "./model.ts";
import type { ExecutorSpec } from "./spec.ts";

type Open = Extract<LoadModel, { type: "open" }>;

/** Open model, constant arrival rate (k6 constant-arrival-rate, pgbench -R): `--rate R`. */
export const openModel: ModelDefinition<Open> = {
  type: "open",
  summary:
    "open model (--rate R, --max-in-flight N): arrivals at a constant rate whatever the system does",
  flags: ["model", "rate", "maxInFlight"],
  resolve(flags, ctx) {
    if (flags.rate === undefined)
      throw new UsageError(
        "run: --model open needs --rate R (operations per second), like --rate 500",
      );
    return {
      type: "open",
      rate: flags.rate,
      maxInFlight: flags.maxInFlight ?? defaultMaxInFlight(flags.rate, ctx.timeoutMs),
    };
  },
  durationMs: () => undefined,
  peakRate: (m) => m.rate,
  split: (m, _index, count) => ({
    ...m,
    rate: m.rate / count,
    maxInFlight: Math.max(1, Math.ceil(m.maxInFlight / count)),
  }),
  maxGenerators: () => Number.POSITIVE_INFINITY,
  describe: (m) => `open, ${rateText(m.rate)}/s, max ${rateText(m.maxInFlight)} in flight`,
  run(model, spec, _warmupMs, phase) {
    const totalS = (spec.endUs - spec.t0Us) / 1e6;
    return runOpen({
      ...spec,
      schedule: new ArrivalSchedule(
        [{ durationS: totalS, from: model.rate, to: model.rate }],
        phase,
      ),
      maxInFlight: model.maxInFlight,
    });
  },
};

export interface OpenSpec extends ExecutorSpec {
  schedule: ArrivalSchedule;
  /** operations allowed in flight at once; an arrival finding none free is dropped */
  maxInFlight: number;
}

/**
 * Open model (k6 constant-/ramping-arrival-rate, pgbench -R, wrk2): arrivals
 * follow the schedule whatever the system does. Latency is measured from each
 * operation's scheduled start, so a stall shows up in every operation that
 * should have started during it (no coordinated omission); service time, from
 * the store's first send, and wait, the difference, are recorded beside it. An arrival that finds maxInFlight
 * operations running is counted as dropped, never queued.
 *
 * Scheduling precision: when arrivals are more than 1.2 ms apart (below about
 * 800/s per thread) the scheduler sleeps with setTimeout until the next one
 * and polls with setImmediate only for the last 0.2 ms; Node's timers have
 * 1 ms granularity, so an operation may start up to about 1 ms after its
 * intended time (never lost: the lateness is part of the measured latency and
 * of wait). Polling the last 1.2 ms before each arrival, as earlier versions
 * did, started within one event-loop turn but, where client and server share
 * cores, cost about twice the CPU per operation and tens of GC pauses a second
 * (an Immediate per turn), which made the client's tail worse than the
 * lateness it saved (README, "Latency against pgbench -R"). When arrivals are
 * closer together it sleeps until 1.2 ms before the next and then polls, so
 * starts stay smooth rather than bunching on timer ticks. A catch-up burst
 * (after a stall) starts at most 32 operations per event-loop turn.
 *
 * Arrivals that cannot start are counted in bulk, by arithmetic on the
 * schedule, never one loop turn each: when every slot is busy, all arrivals
 * due by now are dropped at once; when the window ends, every arrival that
 * was due in it and never started is dropped. So a run ends within its bounds
 * plus one operation timeout whatever the rate.
 */
const BURST = 32;

export function runOpen(spec: OpenSpec): Promise<void> {
  return new OpenExecutor(spec).run();
}

class OpenExecutor implements SlotHost {
  readonly recorder: Recorder;
  private readonly op: Op;
  private readonly all: Slot[] = [];
  private readonly free: Slot[] = [];
  private inFlight = 0;
  private issuing = true;
  private k = 0;
  private nextUs: number;
  /** the last arrival's intended start: the gap to the next says how the scheduler waits */
  private lastUs = 0;
  private issued = 0;
  private done: () => void = () => {};
  private readonly sweep: TimeoutSweep;
  private readonly tick = () => this.onTick();

  constructor(private readonly spec: OpenSpec) {
    this.recorder = spec.recorder;
    this.op = spec.op;
    this.nextUs = spec.t0Us + spec.schedule.offsetUs(0);
    this.sweep = new TimeoutSweep(() => this.all, this, spec.timeoutMs);
  }

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = () => {
        this.sweep.stop();
        resolve();
      };
      this.sweep.start();
      this.onTick();
    });
  }

  private onTick(): void {
    const spec = this.spec;
    const now = nowUs();
    if (spec.stop.stopped) {
      this.stopIssuing();
      return;
    }
    if (now >= spec.endUs) {
      // the window is over: what was due in it and never started is dropped
      this.dropBefore(spec.endUs);
      this.stopIssuing();
      return;
    }
    // at most BURST arrivals per turn, so completions are processed between
    // the starts of a catch-up burst (after a stall) and service times stay true
    let burst = BURST;
    while (this.nextUs <= now) {
      const intended = this.nextUs;
      if (intended >= spec.endUs || this.issued >= spec.maxIterations) {
        this.stopIssuing();
        return;
      }
      let slot = this.free.pop();
      if (slot === undefined && this.all.length < spec.maxInFlight) {
        slot = new Slot(this, 0);
        this.all.push(slot);
      }
      if (slot === undefined) {
        // every slot is busy: none of the arrivals due by now can start
        this.dropBefore(now + 1);
        continue;
      }
      if (--burst < 0) {
        this.free.push(slot);
        setImmediate(this.tick);
        return;
      }
      if (intended >= this.recorder.measureStartUs) this.issued++;
      this.inFlight++;
      startOp(this.op, slot, intended, nowUs());
      this.lastUs = intended;
      this.k++;
      this.nextUs = spec.t0Us + spec.schedule.offsetUs(this.k);
    }
    if (this.nextUs === Number.POSITIVE_INFINITY || this.nextUs >= spec.endUs) {
      // the schedule has no further arrival in the window: wait out the gap, then stop
      const gapMs = (Math.min(this.nextUs, spec.endUs) - nowUs()) / 1000;
      if (gapMs > 0 && gapMs !== Number.POSITIVE_INFINITY)
        setTimeout(() => this.stopIssuing(), gapMs);
      else this.stopIssuing();
      return;
    }
    // arrivals more than 1.2 ms apart: sleep until the next one (timers have 1 ms granularity);
    // closer together: sleep until 1.2 ms before it, then poll, so starts stay smooth, not bursts
    const waitMs = (this.nextUs - nowUs()) / 1000;
    const sparse = this.nextUs - this.lastUs > 1200;
    if (sparse ? waitMs > 0.2 : waitMs > 1.2) setTimeout(this.tick, sparse ? waitMs : waitMs - 1.2);
    else setImmediate(this.tick);
  }

  /**
   * Drops every arrival from the next one up to (not including) `untilUs`,
   * second by second of their intended starts: a few schedule computations
   * per second of the window however many arrivals that is.
   */
  private dropBefore(untilUs: number): void {
    const spec = this.spec;
    const until = Math.min(untilUs, spec.endUs);
    const last = spec.schedule.countBefore(until - spec.t0Us);
    const startUs = this.recorder.measureStartUs;
    while (this.k < last && this.nextUs < until) {
      const intended = this.nextUs;
      // the arrivals that share this arrival's second (the warm-up counts as one stretch)
      const secEndUs =
        intended < startUs ? startUs : startUs + (Math.floor((intended - startUs) / 1e6) + 1) * 1e6;
      let n = Math.max(1, Math.min(last, spec.schedule.countBefore(secEndUs - spec.t0Us)) - this.k);
      if (intended >= startUs) {
        n = Math.min(n, spec.maxIterations - this.issued);
        if (n <= 0) return;
        this.issued += n;
      }
      this.recorder.dropMany(intended, n);
      this.k += n;
      this.nextUs = spec.t0Us + spec.schedule.offsetUs(this.k);
    }
  }

  private stopIssuing(): void {
    if (!this.issuing) return;
    this.issuing = false;
    if (this.inFlight === 0) this.done();
  }

  finished(slot: Slot): void {
    this.inFlight--;
    this.free.push(slot);
    if (!this.issuing && this.inFlight === 0) this.done();
  }

  replaced(old: Slot, fresh: Slot): void {
    const i = this.all.indexOf(old);
    if (i >= 0) this.all[i] = fresh;
  }
}

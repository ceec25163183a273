import { nowUs } from "../../core/clock.ts";
import { type Op, Slot, type SlotHost, startOp, TimeoutSweep } from "../inflight.ts";
import type { Recorder } from "../recorder.ts";
import type { ArrivalSchedule } from "./arrivals.ts";
import type { ExecutorSpec } from "./spec.ts";

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
 * the actual start, is recorded beside it. An arrival that finds maxInFlight
 * operations running is counted as dropped, never queued.
 *
 * Scheduling precision: when the next arrival is more than 2 ms away the
 * scheduler sleeps with setTimeout until 1 ms before it, then polls with
 * setImmediate (one event-loop turn, typically 5-50 us apart while I/O is
 * light), so an operation starts within about one event-loop turn of its
 * intended time. Any lateness (a busy event loop, GC) is not lost: it is
 * part of the measured latency. Above ~800 operations per second the
 * scheduler polls every turn, which costs CPU on this thread. A catch-up
 * burst (after a stall) starts at most 32 operations per event-loop turn.
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
    // at most BURST arrivals per turn, so completions are processed between
    // the starts of a catch-up burst (after a stall) and service times stay true
    let burst = BURST;
    while (this.nextUs <= now) {
      if (--burst < 0) {
        setImmediate(this.tick);
        return;
      }
      const intended = this.nextUs;
      if (intended >= spec.endUs || this.issued >= spec.maxIterations) {
        this.stopIssuing();
        return;
      }
      if (intended >= this.recorder.measureStartUs) this.issued++;
      let slot = this.free.pop();
      if (slot === undefined && this.all.length < spec.maxInFlight) {
        slot = new Slot(this, 0);
        this.all.push(slot);
      }
      if (slot === undefined) this.recorder.drop(intended);
      else {
        this.inFlight++;
        startOp(this.op, slot, intended, nowUs());
      }
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
    const waitMs = (this.nextUs - nowUs()) / 1000;
    if (waitMs > 1.2) setTimeout(this.tick, waitMs - 1.2);
    else setImmediate(this.tick);
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

import { nowUs } from "../../core/clock.ts";
import type { LoadModel } from "../../core/result.ts";
import { type Op, Slot, type SlotHost, startOp, TimeoutSweep } from "../inflight.ts";
import type { Recorder } from "../recorder.ts";
import type { ModelDefinition } from "./model.ts";
import type { ExecutorSpec } from "./spec.ts";

type Closed = Extract<LoadModel, { type: "closed" }>;

/** Closed model: `--vus N` (default one per connection), `--think-time`. */
export const closedModel: ModelDefinition<Closed> = {
  type: "closed",
  summary:
    "closed model (--vus N, --think-time): each virtual user starts its next operation when the last one ends",
  flags: ["model", "vus", "thinkTimeMs"],
  resolve(flags, ctx) {
    return {
      type: "closed",
      vus: flags.vus ?? ctx.connections,
      thinkTimeMs: flags.thinkTimeMs ?? 0,
    };
  },
  durationMs: () => undefined,
  peakRate: () => undefined,
  split(model, index, count) {
    return { ...model, vus: Math.floor(model.vus / count) + (index < model.vus % count ? 1 : 0) };
  },
  maxGenerators: (model) => model.vus,
  describe: (m) =>
    `closed, ${m.vus} VU${m.vus === 1 ? "" : "s"}${m.thinkTimeMs > 0 ? `, think ${m.thinkTimeMs} ms` : ""}`,
  run: (model, spec) => runClosed({ ...spec, vus: model.vus, thinkTimeMs: model.thinkTimeMs }),
};

export interface ClosedSpec extends ExecutorSpec {
  vus: number;
  thinkTimeMs: number;
}

/**
 * Closed model (k6 constant-vus, pgbench without -R): `vus` virtual users,
 * each starting its next operation when the previous one finished (after the
 * think time, if any). Latency equals service time here: a closed model
 * cannot see the queueing its own slowness prevents (coordinated omission);
 * use the open model for that.
 *
 * Costs: no timer per operation without think time (one setTimeout per
 * operation with it). A virtual user yields to the event loop every 1024
 * iterations so an operation that completes without I/O cannot starve the
 * timers (progress, timeout sweep).
 */
export function runClosed(spec: ClosedSpec): Promise<void> {
  return new ClosedExecutor(spec).run();
}

class ClosedExecutor implements SlotHost {
  readonly recorder: Recorder;
  private readonly op: Op;
  private readonly slots: Slot[] = [];
  private readonly resume: Array<() => void> = [];
  private readonly measureStartUs: number;
  private active = 0;
  private started = 0;
  private done: () => void = () => {};
  private readonly sweep: TimeoutSweep;

  constructor(private readonly spec: ClosedSpec) {
    this.recorder = spec.recorder;
    this.op = spec.op;
    this.measureStartUs = spec.recorder.measureStartUs;
    for (let vu = 0; vu < spec.vus; vu++) {
      this.slots.push(new Slot(this, vu));
      this.resume.push(() => this.next(this.slots[vu]));
    }
    this.sweep = new TimeoutSweep(() => this.slots, this, spec.timeoutMs);
  }

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = () => {
        this.sweep.stop();
        resolve();
      };
      this.active = this.spec.vus;
      this.sweep.start();
      for (const r of this.resume) r();
    });
  }

  next(slot: Slot): void {
    const now = nowUs();
    if (
      now >= this.spec.endUs ||
      this.started >= this.spec.maxIterations ||
      this.spec.stop.stopped
    ) {
      if (--this.active === 0) this.done();
      return;
    }
    if (now >= this.measureStartUs) this.started++;
    startOp(this.op, slot, now, now);
  }

  finished(slot: Slot): void {
    if (this.spec.thinkTimeMs > 0) setTimeout(this.resume[slot.vu], this.spec.thinkTimeMs);
    else if ((++slot.iterations & 1023) === 0) setImmediate(this.resume[slot.vu]);
    else this.next(slot);
  }

  replaced(_old: Slot, fresh: Slot): void {
    this.slots[fresh.vu] = fresh;
  }
}

import { nowUs } from "../core/clock.ts";
import { type OpTiming, running } from "../core/op-clock.ts";
import type { Recorder } from "./recorder.ts";

/** One operation of a scenario, parameters already bound: sample + operation. */
export type Op = () => Promise<unknown>;

/**
 * A slot runs one operation at a time. Its two completion callbacks are
 * created once per slot, not per operation, so starting an operation
 * allocates only what the operation itself allocates (plus the promise that
 * `.then` returns).
 */
export class Slot implements OpTiming {
  intendedUs = 0;
  startUs = 0;
  /** the store's first send (core/op-clock.ts); 0 until then */
  sentUs = 0;
  /** false during the warm-up: stores leave the operation out of their figures (read by stores only, so computed on demand) */
  get measured(): boolean {
    return this.intendedUs >= this.host.recorder.measureStartUs;
  }
  busy = false;
  /** set when the sweep declared the operation timed out; its late completion is ignored */
  abandoned = false;
  /** iterations this slot has run (the closed model yields to the event loop every 1024) */
  iterations = 0;
  readonly onOk: () => void;
  readonly onErr: (e: unknown) => void;

  constructor(
    readonly host: SlotHost,
    /** the virtual user this slot belongs to (closed model), else 0 */
    readonly vu: number,
  ) {
    this.onOk = () => {
      if (this.abandoned) return;
      const end = nowUs();
      this.busy = false;
      host.recorder.success(this.intendedUs, this.startUs, this.sentUs, end);
      host.finished(this);
    };
    this.onErr = (e: unknown) => {
      if (this.abandoned) return;
      const end = nowUs();
      this.busy = false;
      host.recorder.failure(this.intendedUs, this.startUs, this.sentUs, end, e);
      host.finished(this);
    };
  }
}

export interface SlotHost {
  readonly recorder: Recorder;
  /** called after a slot's operation was recorded (completed, failed or timed out) */
  finished(slot: Slot): void;
  /** called when the sweep abandons a slot: the host swaps in `fresh` for it */
  replaced(old: Slot, fresh: Slot): void;
}

/**
 * Starts `op` in `slot` (startUs: now); a synchronous throw becomes a rejected
 * promise. For the synchronous part of the call the slot is the running
 * operation (core/op-clock.ts), so a store can mark its first send on it.
 */
export function startOp(op: Op, slot: Slot, intendedUs: number, startUs: number): void {
  slot.intendedUs = intendedUs;
  slot.busy = true;
  slot.startUs = startUs;
  slot.sentUs = 0;
  running.op = slot;
  let p: Promise<unknown>;
  try {
    p = op();
  } catch (e) {
    p = Promise.reject(e);
  }
  running.op = null;
  p.then(slot.onOk, slot.onErr);
}

/**
 * The per-operation timeout without a timer per operation: a periodic sweep
 * over the slots declares any operation running longer than `timeoutMs`
 * timed out (error class `timeout`, recorded at the moment of the sweep) and
 * gives its place to a fresh slot, so the load goes on. Precision: an
 * operation is declared timed out between `timeoutMs` and `timeoutMs` plus
 * the sweep interval (a tenth of the timeout, between 5 and 100 ms) after it
 * started. The abandoned operation keeps running in the background (a
 * database connection may stay busy with it); its result is ignored.
 */
export class TimeoutSweep {
  private timer: NodeJS.Timeout | undefined;
  readonly intervalMs: number;

  constructor(
    private readonly slots: () => Iterable<Slot>,
    private readonly host: SlotHost,
    private readonly timeoutMs: number,
  ) {
    this.intervalMs = Math.min(100, Math.max(5, Math.floor(timeoutMs / 10)));
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  sweep(): void {
    const now = nowUs();
    const limit = this.timeoutMs * 1000;
    const expired: Slot[] = [];
    for (const s of this.slots()) {
      if (s.busy && !s.abandoned && now - s.startUs >= limit) expired.push(s);
    }
    for (const s of expired) {
      s.abandoned = true;
      s.busy = false;
      this.host.recorder.timeout(s.intendedUs, s.startUs, s.sentUs, now, this.timeoutMs);
      const fresh = new Slot(this.host, s.vu);
      fresh.iterations = s.iterations;
      this.host.replaced(s, fresh);
      this.host.finished(fresh);
    }
  }
}

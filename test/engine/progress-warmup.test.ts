import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveStats } from "../../engine/live.ts";
import { Recorder } from "../../engine/recorder.ts";
import { Progress } from "../../reports/progress.ts";

/** A stream Progress sees as a file (plain lines), collecting what it writes. */
function sink(): NodeJS.WriteStream & { text: string } {
  const s = {
    text: "",
    isTTY: false,
    write(x: string) {
      s.text += x;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe("live progress during the warm-up", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says warm-up with the warm-up's own rate, then switches to the measured figures", () => {
    // the recorder the engine uses: measuring starts 5 s after t0
    const t0Us = Date.now() * 1000;
    const recorder = new Recorder(t0Us + 5_000_000);
    const stats = (): LiveStats => recorder.liveStats();
    // quiet: no timer of its own, so only these calls read the rate
    const progress = new Progress("trending", 15_000, sink(), true, { warmupMs: 5_000 });
    progress.attach(stats);

    // 3 s of warm-up at 400 ok/s and 1 error in all
    for (let i = 0; i < 1200; i++) {
      const at = t0Us + i * 2500;
      recorder.success(at, at, 0, at + 1000);
    }
    recorder.failure(t0Us + 10, t0Us + 10, 0, t0Us + 20, new Error("boom"));
    vi.advanceTimersByTime(3000);
    const warm = progress.line();
    expect(warm).toMatch(/^trending warm-up 3\/5 s, 400 ops\/s {2}errors 1 {2}\(not measured\)$/);
    expect(recorder.ok).toBe(0);
    expect(recorder.errorCount).toBe(0);

    // 1 s later the warm-up is still on: 1,500 ok/s
    for (let i = 0; i < 1500; i++) {
      const at = t0Us + 3_000_000 + i * 600;
      recorder.success(at, at, 0, at + 500);
    }
    vi.advanceTimersByTime(1000);
    expect(progress.line()).toMatch(/^trending warm-up 4\/5 s, 1,500 ops\/s /);

    // then 2 s measured at 250 ok/s: the measured line, no warm-up label
    for (let i = 0; i < 500; i++) {
      const at = t0Us + 5_000_000 + i * 4000;
      recorder.success(at, at, 0, at + 2000);
    }
    vi.advanceTimersByTime(2000);
    const measured = progress.line();
    expect(measured).not.toMatch(/warm-up/);
    expect(measured).toMatch(/^trending \[=+ +\] 6s\/15s {2}250 ops\/s {2}p99 [\d.]+ms {2}ok 500 /);
    expect(recorder.ok).toBe(500);
    progress.stop();
  });

  it("without a warm-up, the first line is the measured one", () => {
    const out = sink();
    const progress = new Progress("feed", undefined, out, false, { warmupMs: 0 });
    let ok = 0;
    progress.attach(() => ({
      ok,
      errors: 0,
      dropped: 0,
      p99Ms: 1.5,
      warmupOk: 0,
      warmupErrors: 0,
    }));
    ok = 20;
    vi.advanceTimersByTime(2000);
    expect(progress.line()).toBe("feed 2s  10 ops/s  p99 1.50ms  ok 20  errors 0  dropped 0");
    // non-terminal output: a plain line every 5 s from the start
    vi.advanceTimersByTime(5000);
    expect(out.text).toMatch(/^feed 5s {2}0 ops\/s .*\n$/);
    progress.stop();
  });
});

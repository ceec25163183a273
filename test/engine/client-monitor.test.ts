import { describe, expect, it } from "vitest";
import { nowUs } from "../../core/clock.ts";
import { ClientMonitor } from "../../engine/client-monitor.ts";

function busy(ms: number): void {
  const end = nowUs() + ms * 1000;
  while (nowUs() < end) {}
}

describe("the client monitor", () => {
  it("reads an idle event loop as no delay, and a 200 ms block in the second it happened", async () => {
    const start = nowUs() + 50_000;
    const m = new ClientMonitor(start);
    m.start();
    // second 0: idle; second 1: the loop blocked for 200 ms
    await new Promise((r) => setTimeout(r, 1400));
    busy(200);
    await new Promise((r) => setTimeout(r, 800));
    const seconds = m.stop();
    // idle: what a busy shared machine's scheduler adds (tens of ms at most), never the block
    expect(seconds[0]?.loopDelayMaxMs).toBeLessThan(100);
    expect(seconds[0]?.loopDelayP99Ms).toBeLessThan(50);
    expect(seconds[1]?.loopDelayMaxMs).toBeGreaterThan(180);
    expect(seconds[1]!.loopDelayMaxMs).toBeGreaterThan(2 * seconds[0]!.loopDelayMaxMs);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { concurrencySweep } from "../../capacity/concurrency.ts";
import { rateSweep } from "../../capacity/rate.ts";
import { loadSweep, writeSweep } from "../../capacity/sweep.ts";
import { type CapacitySweep, SWEEP_KIND, SWEEP_VERSION } from "../../capacity/types.ts";
import { parseThreshold } from "../../core/thresholds.ts";
import { slotsScenario } from "./fixtures/slots.ts";

const dir = mkdtempSync(join(tmpdir(), "bb-sweep-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sweep result written (--out) loads back equal: every step, fit, knee and histogram. */
describe("a capacity sweep result", () => {
  it("written and loaded back is equal", async () => {
    const target = { name: "slots", source: { scenario: slotsScenario(4, 20) } };
    const timing = { warmupMs: 100, durationMs: 500, timeoutMs: 2000 };
    const concurrency = await concurrencySweep(target, { ...timing, connections: [1, 2, 4] });
    const rate = await rateSweep(target, {
      ...timing,
      startRate: 100,
      factor: 2,
      maxSteps: 3,
      drillSteps: 1,
      thresholds: [parseThreshold("p(90)<60")],
      connections: 1,
      caveat: "shared cores",
    });
    const sweep: CapacitySweep = {
      kind: SWEEP_KIND,
      version: SWEEP_VERSION,
      startedAt: new Date().toISOString(),
      durationS: 4.2,
      quick: true,
      machine: {
        cpus: 2,
        cpuModel: "test",
        memoryGiB: 4,
        node: process.version,
        pgLocal: true,
        sharedCores: true,
        postgresVersion: "18.4",
        dynamoEndpoint: "dynamodb-local",
      },
      dataset: { scale: "tiny", users: 500, pgTables: [], dynamoTables: [] },
      indexSet: "seed",
      dynamoVariant: "design",
      scenarios: [
        {
          name: "slots",
          group: "reads",
          store: "postgres",
          writes: false,
          concurrency,
          rate,
          cost: { atRate: 50, operations: 0 },
        },
      ],
    };
    expect(concurrency.steps).toHaveLength(3);
    expect(concurrency.steps[0].histogram.length).toBeGreaterThan(0);
    expect(rate.steps.length).toBeGreaterThan(1);
    const path = writeSweep(sweep, join(dir, "sweep.json"));
    expect(await loadSweep(path)).toEqual(sweep);
  });
});

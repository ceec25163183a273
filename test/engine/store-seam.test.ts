import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStep } from "../../engine/run-step.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * The store seam: the engine takes its stores from a factory (a module URL,
 * so worker threads load it too); a wrapper placed there sees every call.
 */
let scratch: Scratch;

beforeAll(async () => {
  scratch = await scratchStores("store-seam");
});

afterAll(async () => {
  await scratch?.cleanup();
});

describe("a store wrapper placed by the factory", () => {
  it("sees every operation of a run, in worker threads too", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "bb-seam-")), "calls.txt");
    const stores = new URL(
      `./fixtures/counting-stores.ts?file=${encodeURIComponent(file)}`,
      import.meta.url,
    ).href;
    const url = new URL("./fixtures/pg-select.ts", import.meta.url).href;
    const r = await runStep(
      { url },
      { type: "closed", vus: 4, thinkTimeMs: 0 },
      { warmupMs: 300, durationMs: 1500, iterations: Number.POSITIVE_INFINITY, timeoutMs: 5000 },
      {
        workers: 2,
        connections: 4,
        endpoints: { pg: scratch.pg, dynamo: scratch.dynamo },
        stores,
        data: { scale: "tiny", seed: 1 },
      },
    );
    expect(r.generators).toBe(2);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    // one line per worker thread: "workerIndex calls"
    expect(lines.map((l) => l.split(" ")[0]).sort()).toEqual(["0", "1"]);
    const calls = lines.reduce((a, l) => a + Number(l.split(" ")[1]), 0);
    const errors = Object.values(r.operations.errors).reduce((a, b) => a + b, 0);
    expect(r.operations.ok).toBeGreaterThan(100);
    // every operation of the warm-up and the window made exactly one call
    expect(calls).toBe(r.operations.ok + errors + (r.warmup?.ok ?? 0) + (r.warmup?.errors ?? 0));
  });
});

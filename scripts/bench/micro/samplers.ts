/**
 * bench:micro, parameter samplers: each scenario's real `setup()` against the
 * loaded stores (the data `run` uses, loaded the same way when missing), then
 * its `sample(state, rng)` timed with tinybench.
 */
import { Bench } from "tinybench";
import { createRng } from "../../../core/rng.ts";
import { prepareGenerator, releaseGenerator } from "../../../engine/generator.ts";
import { loadScenario } from "../../../engine/load-scenario.ts";
import { SCENARIOS } from "../../../scenarios/index.ts";
import type { Endpoints } from "../../../stores/types.ts";

export interface SamplerFigure {
  scenario: string;
  nsPerSample: number;
  samplesPerSec: number;
  /** how long the scenario's setup() took (reading its parameter pools) */
  setupMs: number;
}

const BATCH = 1000;

export async function samplerFigures(
  data: { scale: string; seed: number },
  endpoints: Endpoints,
  quick: boolean,
): Promise<SamplerFigure[]> {
  const out: SamplerFigure[] = [];
  for (const [name, entry] of Object.entries(SCENARIOS)) {
    const scenario = await loadScenario(entry.module.href);
    const t0 = performance.now();
    const prepared = await prepareGenerator(scenario, {
      model: { type: "closed", vus: 1, thinkTimeMs: 0 },
      bounds: { warmupMs: 0, durationMs: 0, iterations: 0, timeoutMs: 10_000 },
      phase: 0,
      workerIndex: 0,
      workerCount: 1,
      connections: 2,
      data,
      endpoints,
    });
    const setupMs = performance.now() - t0;
    try {
      const { state } = prepared;
      const rng = createRng(data.seed, 0);
      let sink = 0;
      const bench = new Bench({ time: quick ? 100 : 300, warmupTime: quick ? 30 : 100 });
      bench.add(name, () => {
        for (let i = 0; i < BATCH; i++) {
          const p = scenario.sample(state, rng);
          sink += typeof p === "number" ? p : p === undefined ? 0 : 1;
        }
      });
      await bench.run();
      if (sink < 0) console.log(sink);
      const ms = (bench.tasks[0].result as { latency?: { mean: number } } | undefined)?.latency
        ?.mean;
      const ns = ((ms ?? Number.NaN) * 1e6) / BATCH;
      out.push({
        scenario: name,
        nsPerSample: ns,
        samplesPerSec: Math.round(1e9 / ns),
        setupMs: Math.round(setupMs),
      });
    } finally {
      await releaseGenerator(prepared);
    }
  }
  return out;
}

import {
  addEncoded,
  alignSeconds,
  errorTotal,
  mergePools,
  mergeSampleErrors,
  mergeSecond,
  sumCapacity,
  sumErrors,
} from "../core/figures.ts";
import type { GeneratorOutcome } from "./generator.ts";
import type { ScenarioFigures } from "./scenario.ts";

/**
 * Merges the outcomes of several load generators (worker threads) of one
 * scenario run with the shared rules of core/figures.ts: counts add (in-window
 * successes, interrupted and warm-up operations too), histograms add bucket by
 * bucket (exact), each second's histogram and client figures combine on the
 * axis of the earliest measured-window start, the window ends at the latest
 * end.
 */
export function mergeOutcomes(outcomes: GeneratorOutcome[]): GeneratorOutcome {
  if (outcomes.length === 1) return outcomes[0];
  const measureStartUs = Math.min(...outcomes.map((o) => o.measureStartUs));
  const sum = (f: (o: GeneratorOutcome) => number) => outcomes.reduce((a, o) => a + f(o), 0);
  const seconds = alignSeconds(
    outcomes.map((o) => ({
      offset: Math.round((o.measureStartUs - measureStartUs) / 1e6),
      items: o.seconds,
    })),
  ).map(mergeSecond);
  const merged: GeneratorOutcome = {
    ok: sum((o) => o.ok),
    okInWindow: sum((o) => o.okInWindow),
    errors: sumErrors(outcomes.map((o) => o.errors)),
    dropped: sum((o) => o.dropped),
    interrupted: sum((o) => o.interrupted),
    warmup: { ok: sum((o) => o.warmup.ok), errors: sum((o) => o.warmup.errors) },
    sampleErrors: mergeSampleErrors(outcomes.map((o) => o.sampleErrors)),
    latency: addEncoded(outcomes.map((o) => o.latency))!,
    serviceTime: addEncoded(outcomes.map((o) => o.serviceTime))!,
    wait: addEncoded(outcomes.map((o) => o.wait))!,
    seconds,
    measureStartUs,
    measureEndUs: Math.max(...outcomes.map((o) => o.measureEndUs)),
    lastEndUs: Math.max(...outcomes.map((o) => o.lastEndUs)),
  };
  const capacity = sumCapacity(outcomes.map((o) => o.capacity));
  if (capacity) merged.capacity = capacity;
  const pool = mergePools(
    outcomes.map((o) => ({ pool: o.pool, operations: o.ok + errorTotal(o.errors) })),
    "parallel",
  );
  if (pool) merged.pool = pool;
  const figures = mergeFigures(outcomes.map((o) => o.figures));
  if (figures) merged.figures = figures;
  return merged;
}

/** Scenario figures of several generators: histograms added, slot-lag samples in time order. */
function mergeFigures(list: Array<ScenarioFigures | undefined>): ScenarioFigures | undefined {
  const present = list.filter((f): f is ScenarioFigures => f !== undefined);
  if (present.length === 0) return undefined;
  const out: ScenarioFigures = {};
  const fresh = present.map((f) => f.histograms?.freshness).filter((h) => h !== undefined);
  const lag = present.map((f) => f.histograms?.syncLag).filter((h) => h !== undefined);
  if (fresh.length > 0 || lag.length > 0) {
    out.histograms = {};
    if (fresh.length > 0) out.histograms.freshness = addEncoded(fresh)!;
    if (lag.length > 0) out.histograms.syncLag = addEncoded(lag)!;
  }
  const samples = present.flatMap((f) => f.slotLag ?? []);
  if (samples.length > 0) out.slotLag = samples.sort((a, b) => a.atMs - b.atMs);
  return out;
}

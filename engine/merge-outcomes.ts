import type { GeneratorOutcome } from "./generator.ts";
import { decodeHistogram, encodeHistogram, type Histogram } from "./histogram.ts";
import type { CapacityUsage, PoolFigures } from "./result.ts";

/**
 * Merges the outcomes of several load generators of one scenario run: counts
 * add, histograms add (bucket by bucket, exact), per-second series align on
 * each generator's measured-window start.
 */
export function mergeOutcomes(outcomes: GeneratorOutcome[]): GeneratorOutcome {
  if (outcomes.length === 1) return outcomes[0];
  const base = outcomes[0];
  const measureStartUs = Math.min(...outcomes.map((o) => o.measureStartUs));
  const latency = decodeHistogram(base.latency);
  const service = decodeHistogram(base.serviceTime);
  const errors = { ...base.errors };
  const sampleErrors = [...base.sampleErrors];
  let ok = base.ok;
  let dropped = base.dropped;
  for (const o of outcomes.slice(1)) {
    latency.add(decodeHistogram(o.latency));
    service.add(decodeHistogram(o.serviceTime));
    ok += o.ok;
    dropped += o.dropped;
    for (const k of Object.keys(errors) as Array<keyof typeof errors>) errors[k] += o.errors[k];
    for (const m of o.sampleErrors)
      if (sampleErrors.length < 5 && !sampleErrors.includes(m)) sampleErrors.push(m);
  }
  const seconds: GeneratorOutcome["seconds"] = [];
  const hists: Array<Histogram | undefined> = [];
  for (const o of outcomes) {
    const shift = Math.round((o.measureStartUs - measureStartUs) / 1e6);
    o.seconds.forEach((s, i) => {
      const t = i + shift;
      while (seconds.length <= t) {
        seconds.push({ ops: 0, errors: 0, dropped: 0, latency: null });
        hists.push(undefined);
      }
      seconds[t].ops += s.ops;
      seconds[t].errors += s.errors;
      seconds[t].dropped += s.dropped;
      if (s.latency) {
        const h = decodeHistogram(s.latency);
        if (hists[t]) hists[t]!.add(h);
        else hists[t] = h;
      }
    });
  }
  hists.forEach((h, t) => {
    if (h) seconds[t].latency = encodeHistogram(h);
  });
  const wait = decodeHistogram(base.wait);
  for (const o of outcomes.slice(1)) wait.add(decodeHistogram(o.wait));
  return {
    ok,
    okInWindow: outcomes.reduce((s, o) => s + o.okInWindow, 0),
    interrupted: outcomes.reduce((s, o) => s + o.interrupted, 0),
    warmup: {
      ok: outcomes.reduce((s, o) => s + o.warmup.ok, 0),
      errors: outcomes.reduce((s, o) => s + o.warmup.errors, 0),
    },
    wait: encodeHistogram(wait),
    measureEndUs: Math.max(...outcomes.map((o) => o.measureEndUs)),
    errors,
    dropped,
    sampleErrors,
    latency: encodeHistogram(latency),
    serviceTime: encodeHistogram(service),
    seconds,
    measureStartUs,
    lastEndUs: Math.max(...outcomes.map((o) => o.lastEndUs)),
    capacity: mergeCapacity(outcomes.map((o) => o.capacity)),
    pool: mergePool(outcomes.map((o) => o.pool)),
  };
}

function mergeCapacity(list: Array<CapacityUsage | undefined>): CapacityUsage | undefined {
  const present = list.filter((c): c is CapacityUsage => c !== undefined);
  if (present.length === 0) return undefined;
  const out: CapacityUsage = { readUnits: 0, writeUnits: 0, byResource: {} };
  for (const c of present) {
    out.readUnits += c.readUnits;
    out.writeUnits += c.writeUnits;
    for (const [k, v] of Object.entries(c.byResource)) {
      const r = out.byResource[k] ?? { readUnits: 0, writeUnits: 0 };
      r.readUnits += v.readUnits;
      r.writeUnits += v.writeUnits;
      out.byResource[k] = r;
    }
  }
  return out;
}

function mergePool(list: Array<PoolFigures | undefined>): PoolFigures | undefined {
  const present = list.filter((p): p is PoolFigures => p !== undefined);
  if (present.length === 0) return undefined;
  const size = present.reduce((s, p) => s + p.size, 0);
  return {
    size,
    maxWaiting: present.reduce((s, p) => s + p.maxWaiting, 0),
    meanAcquireMs:
      size === 0 ? 0 : present.reduce((s, p) => s + p.meanAcquireMs * p.size, 0) / size,
  };
}

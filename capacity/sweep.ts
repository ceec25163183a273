import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { jsonProblem, UsageError } from "../core/errors.ts";
import { writeOutputFile } from "../core/output.ts";
import { RESULTS_DIR } from "../results/write.ts";
import type { Endpoints } from "../stores/types.ts";
import { concurrencySweep, doublings } from "./concurrency.ts";
import { measureCost } from "./cost.ts";
import { formatCost } from "./cost-format.ts";
import { describeMachine, measureDataset } from "./dataset.ts";
import { concurrencyLine, fitLine, kneeLine, rateLine } from "./lines.ts";
import { FULL, type PlannedSweep, planSweep, QUICK } from "./plan.ts";
import { rateSweep } from "./rate.ts";
import { prepareStores } from "./stores.ts";
import {
  type CapacitySweep,
  SWEEP_KIND,
  SWEEP_VERSION,
  type SweepMachine,
  type SweepScenario,
} from "./types.ts";

export interface SweepOptions {
  /** scenario names (default: every scenario; with quick, a few) */
  scenarios?: string[];
  /** a few scenarios, few steps: within 2 minutes on a 2-core machine */
  quick?: boolean;
  signal?: AbortSignal;
  /** one line per step, fit, knee and cost */
  onProgress?: (line: string) => void;
  /** the stores (default: resolveEndpoints, the embedded services) */
  endpoints?: Endpoints;
  data?: { scale: string; seed: number };
  indexSet?: string;
  targetsFile?: string;
  /** write scenarios may write to a target marked production */
  allowWrites?: boolean;
  /** the concurrency sweep's last step (default 16 with quick, else 32): 1, 2, 4, ... up to it */
  maxConnections?: number;
  /** the scenarios already planned (planSweep), checked before services started */
  planned?: PlannedSweep[];
}

/**
 * The capacity sweep: every PostgreSQL scenario through a closed-model
 * concurrency sweep (the USL fitted) and an open-model rate sweep to its knee
 * (targets checked every second, drill-in), then its cost per operation at a
 * rate below the knee; DynamoDB scenarios get the cost only.
 */
export async function runSweep(opts: SweepOptions = {}): Promise<CapacitySweep> {
  const say = opts.onProgress ?? (() => {});
  const startedAt = new Date().toISOString();
  const base = opts.quick ? QUICK : FULL;
  const profile = opts.maxConnections
    ? { ...base, connections: doublings(opts.maxConnections) }
    : base;
  const planned = opts.planned ?? (await planSweep(opts));
  const data = opts.data ?? { scale: "small", seed: 1 };
  const stores = await prepareStores(planned, { ...opts, data });
  // the sweep's time: from here (the data is loaded) to the end
  const started = Date.now();
  const endpoints = stores.endpoints;
  const machine = await describeMachine(endpoints);
  const dataset = await measureDataset(endpoints, data);
  const caveat = sharedCaveat(machine);
  const scenarios: SweepScenario[] = [];
  for (const p of planned) {
    if (opts.signal?.aborted) break;
    const name = p.entry.name;
    const target = { name, source: { url: p.entry.url }, endpoints, data, signal: opts.signal };
    const out: SweepScenario = {
      name,
      group: p.group,
      store: p.store,
      writes: p.writes,
      cost: { atRate: 0, operations: 0 },
    };
    let costRate = p.defaultRate;
    if (p.store === "postgres") {
      const conc = await concurrencySweep(
        target,
        { ...profile.concurrency, connections: profile.connections },
        (s) => say(concurrencyLine(name, s)),
      );
      out.concurrency = conc;
      say(fitLine(name, conc.fit));
      if (opts.signal?.aborted) break;
      const best = conc.steps.reduce(
        (a, b) => (b.throughput > a.throughput ? b : a),
        conc.steps[0],
      );
      const peak = best?.throughput ?? 0;
      const rate = await rateSweep(
        target,
        {
          ...profile.rate,
          startRate: peak > 0 ? Math.max(1, peak * profile.rate.startShare) : p.defaultRate,
          thresholds: p.thresholds,
          connections: Math.max(2, best?.connections ?? 8),
          confirm: true,
          caveat,
        },
        (s) => say(rateLine(name, s)),
      );
      out.rate = rate;
      say(kneeLine(name, rate.knee));
      const firstRate = rate.steps[0]?.rate ?? p.defaultRate;
      costRate = rate.knee ? rate.knee.rate * profile.costShare : firstRate * profile.costShare;
    }
    if (opts.signal?.aborted) break;
    out.cost = await measureCost({
      scenario: name,
      url: p.entry.url,
      rate: roundRate(costRate),
      durationS: profile.costS,
      warmupS: 1,
      signal: opts.signal,
      endpoints,
      data,
      onProgress: say,
    });
    for (const line of formatCost(out.cost)) say(`${name}  ${line}`);
    scenarios.push(out);
  }
  return {
    kind: SWEEP_KIND,
    version: SWEEP_VERSION,
    startedAt,
    durationS: Math.round((Date.now() - started) / 100) / 10,
    quick: opts.quick === true,
    machine,
    dataset,
    indexSet: stores.indexSet,
    dynamoVariant: stores.dynamoVariant,
    scenarios,
  };
}

/** Said beside every knee measured where the load generator and PostgreSQL share cores. */
export function sharedCaveat(machine: SweepMachine): string | undefined {
  if (!machine.sharedCores) return undefined;
  return `the load generator and PostgreSQL share this machine's ${machine.cpus} cores: this knee is where they compete, not PostgreSQL's limit; project from server CPU per operation`;
}

const roundRate = (r: number) => (r >= 10 ? Math.round(r) : Math.max(0.1, Math.round(r * 10) / 10));

/** results/capacity-sweep-<timestamp>.json */
export function defaultSweepPath(sweep: CapacitySweep, dir = RESULTS_DIR): string {
  const stamp = sweep.startedAt.replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
  return join(dir, `capacity-sweep-${stamp}${sweep.quick ? "-quick" : ""}.json`);
}

/** Writes the sweep atomically; returns the path. */
export function writeSweep(sweep: CapacitySweep, file?: string): string {
  const path = resolve(file ?? defaultSweepPath(sweep));
  writeOutputFile(path, `${JSON.stringify(sweep, null, 2)}\n`);
  return path;
}

/** Reads a sweep result file, checking its kind and version (one-line UsageError otherwise). */
export async function loadSweep(path: string): Promise<CapacitySweep> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(
      `${path} cannot be read (${(e as NodeJS.ErrnoException).code}); give a file written by: bellyfed-bench capacity sweep --out FILE`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${path} is not valid JSON (${jsonProblem(e)}); give a capacity sweep result`,
    );
  }
  const s = json as Partial<CapacitySweep> | null;
  if (s === null || typeof s !== "object" || s.kind !== SWEEP_KIND)
    throw new UsageError(
      `${path} is not a capacity sweep result (kind is not "${SWEEP_KIND}"); write one with: bellyfed-bench capacity sweep --quick`,
    );
  if (typeof s.version !== "number" || s.version < 1 || s.version > SWEEP_VERSION)
    throw new UsageError(
      `${path} is a capacity sweep of version ${String(s.version)}, this harness reads 1 to ${SWEEP_VERSION}; run the sweep again with this harness`,
    );
  if (!Array.isArray(s.scenarios) || typeof s.machine !== "object" || s.machine === null)
    throw new UsageError(
      `${path} is a capacity sweep without scenarios or machine; run the sweep again`,
    );
  return s as CapacitySweep;
}

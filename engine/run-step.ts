import { nowUs } from "../core/clock.ts";
import { decodeHistogram } from "../core/histogram.ts";
import type { LoadModel, ScenarioResult, StoreKind } from "../core/result.ts";
import type { Threshold } from "../core/thresholds.ts";
import type { Endpoints } from "../stores/types.ts";
import { assembleScenario } from "./assemble.ts";
import {
  type GeneratorOutcome,
  type GeneratorPlan,
  prepareGenerator,
  runGenerator,
  type snapshotOf,
} from "./generator.ts";
import type { LiveStats } from "./live.ts";
import { type LiveFigures, LiveThresholds } from "./live-thresholds.ts";
import { loadScenario } from "./load-scenario.ts";
import { mergeOutcomes } from "./merge-outcomes.ts";
import {
  type Bounds,
  chooseWorkers,
  type StopFlag,
  splitIterations,
  splitModel,
} from "./models/index.ts";
import type { Recorder } from "./recorder.ts";
import type { Scenario } from "./scenario.ts";
import { runOnWorkers } from "./workers.ts";

/** A scenario by module URL (worker threads import it), by object (this thread only), or both. */
export type ScenarioSource =
  | { url: string; scenario?: Scenario }
  | { url?: string; scenario: Scenario };

export interface StepOptions {
  /** load-generator threads, or "auto" (from the peak open-model rate); 1 runs on this thread */
  workers?: number | "auto";
  /** connections to each store, in total (split across generators) */
  connections?: number;
  data?: { scale: string; seed: number };
  endpoints?: Endpoints;
  /** module URL of a store factory (stores/factory.ts) that may wrap the stores; default: the harness's own */
  stores?: string;
  /** evaluated at the end; those marked abortOnFail also every second while the run goes */
  thresholds?: Threshold[];
  /** stops the run early (Ctrl-C); the result is marked aborted with the signal's reason */
  signal?: AbortSignal;
  /** receives a function returning the live figures once the load starts (progress lines) */
  live?: (stats: () => LiveStats) => void;
  /** name and description for the result (default: the scenario's own) */
  name?: string;
  description?: string;
  /**
   * Awaited once the generators are prepared, before the start time is
   * chosen: steps running at the same time share one (engine/barrier.ts) so
   * every setup is done before any step starts.
   */
  ready?: () => Promise<void>;
}

/**
 * The engine as a library: runs one scenario under one load model within its
 * bounds, with one or more load generators (histograms added, never
 * averaged), and returns its ScenarioResult with every threshold evaluated.
 * Used by `run`, `tune --ab`, `bench:overhead` and whatever else needs a
 * measured step (a capacity sweep calls it once per step).
 */
export async function runStep(
  source: ScenarioSource,
  model: LoadModel,
  bounds: Bounds,
  opts: StepOptions = {},
): Promise<ScenarioResult> {
  const scenario = source.scenario ?? (await loadScenario(source.url!));
  const count = chooseWorkers(opts.workers ?? 1, model, bounds.iterations);
  const thresholds = opts.thresholds ?? [];
  const watch = new LiveThresholds(thresholds);
  const stop: StopFlag = { stopped: false };
  let aborted: { reason: string; atS: number } | undefined;
  let stoppedAtUs: number | undefined;
  let measureStartUs = 0;
  const abort = (reason: string) => {
    if (aborted) return;
    stoppedAtUs = nowUs();
    aborted = { reason, atS: Math.max(0, Math.round((stoppedAtUs - measureStartUs) / 1e5) / 10) };
    stop.stopped = true;
    cancel?.();
  };
  let cancel: (() => void) | undefined;
  const onSignal = () => abort(signalReason(opts.signal));
  if (opts.signal?.aborted) throw new Error("runStep: the signal was aborted before the run");
  opts.signal?.addEventListener("abort", onSignal, { once: true });

  const plans = planGenerators(model, bounds, count, opts);
  let outcome: GeneratorOutcome;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (count === 1) {
      const prepared = await prepareGenerator(scenario, plans[0]);
      await opts.ready?.();
      const t0Us = nowUs() + 20_000;
      measureStartUs = t0Us + bounds.warmupMs * 1000;
      let recorder: Recorder | undefined;
      const watchEverySecond = () => {
        timer = setInterval(() => {
          if (!recorder) return;
          const reason = watch.check(figuresOf(recorder), measureStartUs);
          if (reason) abort(reason);
        }, 1000);
        timer.unref();
      };
      outcome = await runGenerator(prepared, t0Us, stop, (r) => {
        recorder = r;
        opts.live?.(() => r.liveStats());
        if (watch.active) watchEverySecond();
      });
    } else {
      if (!source.url) throw new Error("running on worker threads needs the scenario's module URL");
      const outcomes = await runOnWorkers(source.url, plans, {
        live: opts.live,
        snapshots: watch.active,
        beforeStart: opts.ready,
        onStart: (t0Us, cancelAll) => {
          measureStartUs = t0Us + bounds.warmupMs * 1000;
          cancel = cancelAll;
          if (stop.stopped) cancelAll();
        },
        onSnapshots: (snapshots) => {
          const reason = watch.check(addSnapshots(snapshots), measureStartUs);
          if (reason) abort(reason);
        },
      });
      outcome = mergeOutcomes(outcomes);
    }
  } finally {
    if (timer) clearInterval(timer);
    opts.signal?.removeEventListener("abort", onSignal);
  }
  const result = assembleScenario(
    {
      name: opts.name ?? scenario.name,
      description: opts.description ?? scenario.description,
      stores: scenario.stores as StoreKind[],
      model,
      bounds,
      generators: count,
      stoppedAtUs,
    },
    outcome,
    thresholds,
  );
  if (aborted) {
    result.aborted = aborted;
    result.passed = false;
  }
  return result;
}

function signalReason(signal?: AbortSignal): string {
  const r = signal?.reason as unknown;
  if (typeof r === "string") return r;
  if (r instanceof Error && r.name !== "AbortError") return r.message;
  return "stopped";
}

/** Each generator's share: VUs, rate, iterations and connections split evenly; phases interleave. */
function planGenerators(
  model: LoadModel,
  bounds: Bounds,
  count: number,
  opts: StepOptions,
): GeneratorPlan[] {
  const plans: GeneratorPlan[] = [];
  const connections = opts.connections ?? 1;
  for (let i = 0; i < count; i++) {
    plans.push({
      model: splitModel(model, i, count),
      bounds: { ...bounds, iterations: splitIterations(bounds.iterations, i, count) },
      phase: i / count,
      workerIndex: i,
      workerCount: count,
      connections: Math.max(1, splitIterations(connections, i, count)),
      data: opts.data ?? { scale: "tiny", seed: 1 },
      endpoints: opts.endpoints,
      storesUrl: opts.stores,
    });
  }
  return plans;
}

function figuresOf(r: Recorder): LiveFigures {
  return {
    ok: r.ok,
    okInWindow: r.okInWindow,
    errors: r.errorCount,
    dropped: r.dropped,
    latency: r.latency.toHistogram(),
    serviceTime: r.serviceTime.toHistogram(),
    wait: r.wait.toHistogram(),
  };
}

function addSnapshots(snapshots: ReturnType<typeof snapshotOf>[]): LiveFigures {
  const [first, ...rest] = snapshots;
  const f: LiveFigures = {
    ok: first.ok,
    okInWindow: first.okInWindow,
    errors: first.errors,
    dropped: first.dropped,
    latency: decodeHistogram(first.latency),
    serviceTime: decodeHistogram(first.serviceTime),
    wait: decodeHistogram(first.wait),
  };
  for (const s of rest) {
    f.ok += s.ok;
    f.okInWindow += s.okInWindow;
    f.errors += s.errors;
    f.dropped += s.dropped;
    f.latency.add(decodeHistogram(s.latency));
    f.serviceTime.add(decodeHistogram(s.serviceTime));
    f.wait.add(decodeHistogram(s.wait));
  }
  return f;
}

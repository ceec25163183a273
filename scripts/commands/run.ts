import { relative } from "node:path";
import { UsageError } from "../../core/errors.ts";
import { checkOutputPath } from "../../core/output.ts";
import { parseThresholdFlag } from "../../core/thresholds.ts";
import { loadScenario } from "../../engine/load-scenario.ts";
import { DEFAULT_MIX_RATE, mixRates, parseMix } from "../../engine/mix.ts";
import { chooseWorkers, resolveLoad } from "../../engine/models/index.ts";
import { type LoadFlags, parseStages, type RunOptions } from "../../engine/options.ts";
import { loadRegistry, selectScenarios } from "../../engine/registry.ts";
import { readTargets, thresholdsFor } from "../../engine/targets.ts";
import { SCALE_NAMES } from "../../generators/scale.ts";
import { formatSummary } from "../../reports/summary.ts";
import { writeResult } from "../../results/write.ts";
import { WRITE_SCENARIOS } from "../../scenarios/index.ts";
import { DEFAULT_ISOLATION, resolveIsolation } from "../../scenarios/lib/writes.ts";
import { loadIndexSet } from "../../schema/index-sets/index-sets.ts";
import { assertWritable, markDataChanged, readPgMarker } from "../../stores/markers.ts";
import { pgClientConfig, pgClientKind } from "../../stores/postgres.ts";
import type { Endpoints } from "../../stores/types.ts";
import type { Command } from "../command.ts";
import {
  type FlagSpec,
  helpText,
  parseDuration,
  parseFlags,
  parsePositiveInt,
  parsePositiveNumber,
} from "../lib/args.ts";
import { untilInterrupted } from "../lib/interrupt.ts";
import { boundsFor, executeRun, type PlannedScenario } from "../run/execute.ts";

const SPEC: FlagSpec = {
  duration: {
    type: "string",
    description: "measured time per scenario, e.g. 30s, 2m",
    default: "30s",
  },
  warmup: {
    type: "string",
    description: "warm-up before measuring (excluded from results); 0 for none",
    default: "5s",
  },
  iterations: {
    type: "string",
    description: "stop after N measured operations per scenario (with --duration: whichever first)",
  },
  model: {
    type: "string",
    description:
      "closed | open | ramping (default: from --rate/--vus/--stages, else the scenario's default)",
  },
  rate: {
    type: "string",
    description: "open model: operations per second, latency measured from the scheduled start",
  },
  vus: {
    type: "string",
    description: "closed model: concurrent virtual users (default: one per connection)",
  },
  "think-time": {
    type: "string",
    description: "closed model: pause between a VU's operations, e.g. 10ms",
  },
  stages: {
    type: "string",
    description: "ramping model: DURATION:RATE,... e.g. '10s:100,20s:500'",
  },
  "start-rate": {
    type: "string",
    description: "ramping model: the rate the first stage starts from (default 0)",
  },
  "max-in-flight": {
    type: "string",
    description:
      "open models: arrivals beyond this many running operations are dropped (default: rate x timeout, 64..10000)",
  },
  timeout: {
    type: "string",
    description: "per-operation timeout (error class 'timeout')",
    default: "2s",
  },
  workers: {
    type: "string",
    description: "load-generator threads, or 'auto' (one per 8000 ops/s of open-model rate)",
    default: "auto",
  },
  connections: { type: "string", description: "connections to each store, in total", default: "8" },
  scale: {
    type: "string",
    description: `data scale (${SCALE_NAMES.join(", ")})`,
    default: "small",
  },
  seed: { type: "string", description: "data seed", default: "1" },
  "index-set": {
    type: "string",
    description: "PostgreSQL index set the data is loaded with",
    default: "seed",
  },
  threshold: {
    type: "string",
    multiple: true,
    description:
      "[SCENARIO/][METRIC:]EXPR[,abortOnFail[,delayAbortEval=DURATION]], e.g. 'latency:p(95)<40'; repeatable; overrides targets",
  },
  targets: { type: "string", description: "targets file", default: "scenarios/targets.json" },
  out: {
    type: "string",
    description: "result file (default: results/<timestamp>-<scenarios>.json)",
  },
  quiet: { type: "boolean", short: "q", description: "no live progress" },
  mix: {
    type: "string",
    description:
      "run scenarios at the same time, each at its weight's share of --rate (default 200/s): NAME=WEIGHT,... or a preset (read-heavy, balanced)",
  },
  isolation: {
    type: "string",
    description: "write scenarios' isolation level: read-committed, repeatable-read, serializable",
    default: "serializable",
  },
  "allow-writes": {
    type: "boolean",
    description: "let write scenarios run against a target marked production",
  },
};

const USAGE =
  "bellyfed-bench run SCENARIO... [options]   (SCENARIO may be 'all')\n       bellyfed-bench run --mix 'best-dishes=60,profile=20,rank-dish=15,follow=5' [--rate 200] [options]";
const SUMMARY =
  "Runs access-pattern scenarios under load, prints a summary with each threshold, writes a JSON result; exit 0 when all thresholds hold, 1 when one fails, 2 on bad input.";

/** Flags → RunOptions; every check that can fail on bad input happens here. */
export function optionsFromFlags(
  values: Record<string, unknown>,
  positionals: string[],
): RunOptions {
  const str = (k: string) => values[k] as string | undefined;
  const load: LoadFlags = {};
  const model = str("model");
  if (model !== undefined) {
    if (model !== "closed" && model !== "open" && model !== "ramping")
      throw new UsageError(`--model '${model}' is unknown; use closed, open or ramping`);
    load.model = model;
  }
  if (str("rate") !== undefined) load.rate = parsePositiveNumber("rate", str("rate")!);
  if (str("vus") !== undefined) load.vus = parsePositiveInt("vus", str("vus")!, 100_000);
  if (str("stages") !== undefined) load.stages = parseStages(str("stages")!, parseDuration);
  if (str("start-rate") !== undefined)
    load.startRate =
      str("start-rate")!.trim() === "0" ? 0 : parsePositiveNumber("start-rate", str("start-rate")!);
  if (str("think-time") !== undefined)
    load.thinkTimeMs = parseDuration("think-time", str("think-time")!);
  if (str("max-in-flight") !== undefined)
    load.maxInFlight = parsePositiveInt("max-in-flight", str("max-in-flight")!, 1_000_000);
  const iterations =
    str("iterations") !== undefined
      ? parsePositiveInt("iterations", str("iterations")!)
      : Number.POSITIVE_INFINITY;
  if (str("duration") !== undefined && load.stages !== undefined)
    throw new UsageError(
      "run: --stages sets the duration (the sum of its stages); drop --duration",
    );
  const durationMs =
    load.stages !== undefined
      ? load.stages.reduce((sum, st) => sum + st.durationMs, 0)
      : str("duration") !== undefined
        ? parseDuration("duration", str("duration")!)
        : Number.isFinite(iterations)
          ? Number.POSITIVE_INFINITY
          : 30_000;
  const warmupText = str("warmup") ?? "5s";
  const warmupMs = /^0+(ms|s|m)?$/.test(warmupText.trim())
    ? 0
    : parseDuration("warmup", warmupText);
  const workersText = str("workers") ?? "auto";
  const workers = workersText === "auto" ? "auto" : parsePositiveInt("workers", workersText, 64);
  const scale = str("scale") ?? "small";
  if (!SCALE_NAMES.includes(scale))
    throw new UsageError(`--scale '${scale}' is unknown; use one of ${SCALE_NAMES.join(", ")}`);
  const seedText = str("seed") ?? "1";
  if (!/^\d+$/.test(seedText))
    throw new UsageError(`--seed '${seedText}' is not a whole number; write it like --seed 1`);
  if (Number(seedText) > 0xffffffff)
    throw new UsageError(
      `--seed ${seedText} is out of range; use a whole number from 0 to 4294967295`,
    );
  if (str("index-set") !== undefined) loadIndexSet(str("index-set")!);
  pgClientKind(); // BELLYFED_PG_CLIENT, checked before any service starts
  const mix = str("mix");
  if (mix !== undefined) {
    if (positionals.length > 0)
      throw new UsageError(
        `run: --mix names the scenarios; drop ${positionals.join(" ")} or drop --mix`,
      );
    if (
      load.vus !== undefined ||
      load.stages !== undefined ||
      (load.model && load.model !== "open")
    )
      throw new UsageError(
        "run --mix runs each scenario at its share of --rate (an open model); drop --vus, --stages and --model",
      );
  }
  const isolation = str("isolation") ?? DEFAULT_ISOLATION;
  resolveIsolation(isolation);
  return {
    scenarios: positionals,
    mix,
    isolation,
    allowWrites: values["allow-writes"] === true,
    load,
    warmupMs,
    durationMs,
    iterations,
    timeoutMs: parseDuration("timeout", str("timeout") ?? "2s"),
    workers,
    connections: parsePositiveInt("connections", str("connections") ?? "8", 10_000),
    data: { scale, seed: Number(seedText), indexSet: str("index-set") ?? "seed" },
    thresholds: (values.threshold as string[] | undefined) ?? [],
    targetsFile: str("targets"),
    out: str("out") === undefined ? undefined : checkOutputPath("out", str("out") as string),
    quiet: values.quiet === true,
  };
}

/** Resolves scenarios, models and thresholds: everything before any service is touched. */
export async function planRun(
  options: RunOptions,
  registrySpecifier?: string,
): Promise<PlannedScenario[]> {
  const registry = await loadRegistry(registrySpecifier);
  let mixRate: Map<string, number> | undefined;
  if (options.mix !== undefined) {
    const parts = parseMix(options.mix, [...registry.keys()]);
    mixRate = mixRates(parts, options.load.rate ?? DEFAULT_MIX_RATE);
    options.scenarios = parts.map((p) => p.name);
  }
  const entries = selectScenarios(registry, options.scenarios);
  const targets = readTargets(options.targetsFile);
  for (const f of options.thresholds) {
    const { scenario } = parseThresholdFlag(f);
    if (scenario !== undefined && !entries.some((e) => e.name === scenario))
      throw new UsageError(
        `--threshold '${f}' names scenario '${scenario}', which is not in this run (${entries.map((e) => e.name).join(", ")})`,
      );
  }
  const planned: PlannedScenario[] = [];
  const l = options.load;
  const userLoad =
    mixRate !== undefined || l.rate !== undefined || l.vus !== undefined || l.stages !== undefined;
  for (const entry of entries) {
    const scenario = await loadScenario(entry.url);
    // every check of the load options happens here (engine/models/index.ts), before any service starts
    const load = mixRate ? { ...options.load, rate: mixRate.get(entry.name)! } : options.load;
    const model = resolveLoad(load, entry.load, {
      timeoutMs: options.timeoutMs,
      connections: options.connections,
    });
    planned.push({
      entry: { ...entry, description: entry.description || scenario.description },
      stores: scenario.stores,
      model,
      bounds: boundsFor(options, model),
      workers: chooseWorkers(options.workers, model, options.iterations),
      thresholds: thresholdsFor(
        entry.name,
        targets,
        options.thresholds,
        options.targetsFile ?? "scenarios/targets.json",
        // a throughput target is written for the scenario's default load: with a load
        // given on the command line, only a --threshold on throughput applies
        userLoad ? ["throughput"] : [],
      ),
    });
  }
  return planned;
}

const run: Command = {
  name: "run",
  summary: "Run access-pattern scenarios under load and check their targets",
  async run(argv) {
    const { values, positionals } = parseFlags("run", argv, SPEC, true);
    if (values.help) {
      process.stdout.write(`${helpText(USAGE, SUMMARY, SPEC)}\n`);
      return 0;
    }
    const options = optionsFromFlags(values, positionals);
    const planned = await planRun(options);
    const needsStores = planned.some((p) => p.stores.length > 0);
    let endpoints: Endpoints | undefined;
    let dataState: DataState = {};
    if (needsStores) {
      const { resolveEndpoints } = await import("../../stores/services.ts");
      const say = (line: string) => process.stderr.write(`${line}\n`);
      endpoints = await resolveEndpoints({ onStep: options.quiet ? undefined : say });
      if (!options.quiet)
        say(`postgres: ${endpoints.pg.description}\ndynamodb: ${endpoints.dynamo.description}`);
      await ensureData(options, endpoints);
      dataState = await guardData(options, planned, endpoints);
    }
    // Ctrl-C stops the run like an abortOnFail threshold: the partial result is written,
    // marked aborted, and the exit code is 130; a second Ctrl-C exits at once
    const { value: result, interrupted } = await untilInterrupted((signal) =>
      executeRun(options, planned, endpoints, signal),
    );
    if (dataState.changedSinceLoad) result.data.changedSinceLoad = dataState.changedSinceLoad;
    if (dataState.written) result.data.written = true;
    process.stdout.write(`\n${formatSummary(result)}\n`);
    const path = writeResult(result, options.out);
    // relative when under the working folder (results/...), else the absolute path
    const rel = relative(process.cwd(), path);
    process.stdout.write(`result: ${rel && !rel.startsWith("..") ? rel : path}\n`);
    if (interrupted) return 130;
    return result.passed ? 0 : 1;
  },
};

/**
 * Schema and data of the requested scale and seed, loaded once and reused:
 * generators/load/index.ts (the loader's `ensureLoaded`), imported lazily.
 */
async function ensureData(options: RunOptions, endpoints: Endpoints): Promise<void> {
  const { ensureLoaded } = await import("../../load/index.ts");
  await ensureLoaded({ ...options.data, endpoints, showProgress: !options.quiet });
}

interface DataState {
  changedSinceLoad?: { at: string; by: string };
  written?: boolean;
}

/**
 * Before a run: write scenarios need the harness's marker (and --allow-writes
 * on a target marked production) and mark the data changed before they write;
 * any run learns whether the data changed since the load, for its result.
 */
async function guardData(
  options: RunOptions,
  planned: PlannedScenario[],
  endpoints: Endpoints,
): Promise<DataState> {
  const writes = planned
    .filter((p) => p.entry.writes === true || WRITE_SCENARIOS.includes(p.entry.name))
    .map((p) => p.entry.name);
  const pgm = await import("pg");
  const client = new pgm.default.Client(pgClientConfig(endpoints.pg));
  await client.connect();
  try {
    const marker = await readPgMarker(client);
    const state: DataState = {};
    const c = marker?.load?.changed;
    if (c) state.changedSinceLoad = { at: c.at.toISOString(), by: c.by };
    if (writes.length > 0) {
      assertWritable(marker, {
        allowWrites: options.allowWrites === true,
        target: endpoints.pg.description,
        scenarios: writes,
      });
      await markDataChanged(client, `run ${writes.join(", ")}`);
      state.written = true;
    }
    return state;
  } finally {
    await client.end();
  }
}

export default run;

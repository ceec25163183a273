import os from "node:os";
import { Bench } from "tinybench";
import { num } from "../../core/format.ts";
import { createHistogram, encodeHistogram, recordUs } from "../../core/histogram.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import type { LoadModel } from "../../core/result.ts";
import { createRng } from "../../core/rng.ts";
import { evaluateThresholds, parseThreshold } from "../../core/thresholds.ts";
import { Counts } from "../../engine/counts.ts";
import { runModel } from "../../engine/models/index.ts";
import { Recorder } from "../../engine/recorder.ts";
import { resolveScale, type ScaleConfig } from "../../generators/core.ts";
import { type FlagSpec, helpText, parseFlags } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";
import { type GeneratorFigure, generatorFigures } from "./micro/generators.ts";
import { type SamplerFigure, samplerFigures } from "./micro/samplers.ts";

const SPEC: FlagSpec = {
  out: { type: "string", description: "write the figures as JSON to FILE" },
  quick: { type: "boolean", description: "shorter runs (less precise)" },
  scale: {
    type: "string",
    description: "data the generators and samplers use (as `run --scale`)",
    default: "small",
  },
  seed: { type: "string", description: "data seed (as `run --seed`)", default: "1" },
  "no-samplers": {
    type: "boolean",
    description: "skip the parameter samplers (they need the stores and loaded data)",
  },
};

const BATCH = 1000;
const EVAL = "threshold evaluation: 8 thresholds on a 100k-sample histogram, per run";
/** once a second per generator: the second's histogram turned into hdr-histogram-js and encoded */
const closeSecond = (digits: number) =>
  `closing one second (500 values): Counts(${digits}) toHistogram + encode, per second`;
/** figures measured per call of the task, not per BATCH of calls */
const PER_CALL = new Set([EVAL, closeSecond(2), closeSecond(3)]);

interface Figure {
  name: string;
  /** nanoseconds per operation */
  nsPerOp: number;
  note?: string;
}

async function micro(quick: boolean): Promise<Figure[]> {
  const bench = new Bench({ time: quick ? 200 : 1000, warmupTime: quick ? 50 : 200 });
  const h = createHistogram(3);
  let v = 1;
  bench.add("hdr-histogram-js recordValue (3 digits, us)", () => {
    for (let i = 0; i < BATCH; i++) {
      v = (v * 1103515245 + 12345) & 0xfffff;
      recordUs(h, v + 1);
    }
  });
  const c = new Counts(3);
  bench.add("engine Counts.record (same buckets, clz32)", () => {
    for (let i = 0; i < BATCH; i++) {
      v = (v * 1103515245 + 12345) & 0xfffff;
      c.record(v + 1);
    }
  });
  const rec = new Recorder(0);
  let t = 1e6;
  bench.add("recorder.success (latency + service + per-second)", () => {
    for (let i = 0; i < BATCH; i++) {
      t += 100;
      v = (v * 1103515245 + 12345) & 0xffff;
      rec.success(t - 900 - v, t - 800, t - 790, t);
    }
  });
  const rng = createRng(1);
  let sink = 0;
  bench.add("rng.next (mulberry32)", () => {
    for (let i = 0; i < BATCH; i++) sink += rng.next();
  });
  const exprs = [
    "p(95)<25",
    "p(99)<50",
    "p(99.9)<=100",
    "avg<10",
    "med<5",
    "max<500",
    "rate<0.001",
    "throughput>500",
  ];
  bench.add("threshold parse, per expression", () => {
    for (let i = 0; i < BATCH / 8; i++) for (const e of exprs) parseThreshold(e);
  });
  const parsed = exprs.map((e) => parseThreshold(e));
  const lat = createHistogram(3);
  for (let i = 1; i <= 100_000; i++) recordUs(lat, 500 + ((i * 7919) % 20_000));
  const values = {
    latency: lat,
    serviceTime: lat,
    ok: 100_000,
    errors: 3,
    dropped: 0,
    throughput: 800,
  };
  bench.add(EVAL, () => {
    evaluateThresholds(parsed, values);
  });
  // per-second histograms are kept at the whole run's precision (3 digits) since result
  // format 2; this is what that costs once a second against the 2 digits they had before
  for (const digits of [2, 3] as const) {
    const c = new Counts(digits);
    bench.add(closeSecond(digits), () => {
      c.reset();
      for (let i = 0; i < 500; i++) {
        v = (v * 1103515245 + 12345) & 0xfffff;
        c.record(v + 1);
      }
      sink += encodeHistogram(c.toHistogram()).length;
    });
  }
  await bench.run();
  if (sink < 0) console.log(sink);
  return bench.tasks.map((task) => {
    const r = task.result as { latency?: { mean: number } } | undefined;
    const ms = r?.latency?.mean ?? Number.NaN;
    return { name: task.name, nsPerOp: (ms * 1e6) / (PER_CALL.has(task.name) ? 1 : BATCH) };
  });
}

/** Wall time per operation of a loop that awaits an empty async function (the floor). */
async function bareLoop(n: number): Promise<number> {
  const op = async () => {};
  const start = performance.now();
  for (let i = 0; i < n; i++) await op();
  return ((performance.now() - start) * 1e6) / n;
}

/** Wall time per operation of the engine running an empty async operation. */
async function engineLoop(model: LoadModel, n: number, durationMs = Number.POSITIVE_INFINITY) {
  const t0Us = (performance.timeOrigin + performance.now()) * 1000;
  const recorder = new Recorder(t0Us);
  const op = async () => {};
  const start = performance.now();
  await runModel(
    model,
    { warmupMs: 0, durationMs, iterations: n, timeoutMs: 10_000 },
    { op, recorder, t0Us, stop: { stopped: false } },
  );
  const ms = performance.now() - start;
  return {
    nsPerOp: (ms * 1e6) / Math.max(1, recorder.ok),
    ok: recorder.ok,
    dropped: recorder.dropped,
    ms,
  };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags("bench:micro", argv, SPEC);
  if (values.help) {
    process.stdout.write(
      `${helpText(
        "npx tsx scripts/bench/micro.ts [--quick] [--scale S] [--seed N] [--no-samplers] [--out FILE]",
        "Micro-benchmarks of the hot paths: the engine, each table's generator (rows/s, one thread), and each scenario's parameter sampler on the state its setup() reads from the loaded stores (the data `run` uses, loaded like `run` does when missing).",
        SPEC,
      )}\n`,
    );
    return 0;
  }
  // checked before the benchmark, so its figures are never lost to a bad path
  if (typeof values.out === "string") checkOutputPath("out", values.out);
  const quick = values.quick === true;
  // bad input before anything runs
  const config = resolveScale({
    scale: String(values.scale ?? "small"),
    seed: String(values.seed ?? "1"),
  });
  const n = quick ? 300_000 : 2_000_000;
  const figures = await micro(quick);
  // the engine's own cost per operation: same empty operation, bare await loop vs engine
  await bareLoop(100_000);
  await engineLoop({ type: "closed", vus: 1, thinkTimeMs: 0 }, 100_000);
  const bare = await bareLoop(n);
  const closed1 = await engineLoop({ type: "closed", vus: 1, thinkTimeMs: 0 }, n);
  const closed8 = await engineLoop({ type: "closed", vus: 8, thinkTimeMs: 0 }, n);
  const open = await engineLoop(
    { type: "open", rate: 2_000_000, maxInFlight: 1000 },
    Number.POSITIVE_INFINITY,
    quick ? 500 : 2000,
  );
  figures.push(
    { name: "bare loop: await empty async fn", nsPerOp: bare },
    { name: "engine closed model, 1 VU, empty op (total)", nsPerOp: closed1.nsPerOp },
    {
      name: "engine closed model, 1 VU: overhead over the bare loop",
      nsPerOp: closed1.nsPerOp - bare,
      note: "target < 1000 ns",
    },
    { name: "engine closed model, 8 VUs, empty op (total)", nsPerOp: closed8.nsPerOp },
    {
      name: "engine open model, empty op, offered 2M/s (total per started op)",
      nsPerOp: open.nsPerOp,
      note: `${num(open.ok / (open.ms / 1000))} ops/s started on one thread, ${num(open.dropped)} dropped`,
    },
  );
  const width = Math.max(...figures.map((f) => f.name.length));
  process.stdout.write(
    `bench:micro on ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} CPUs), Node ${process.version}\n\nengine\n`,
  );
  for (const f of figures) {
    process.stdout.write(
      `  ${f.name.padEnd(width)}  ${num(f.nsPerOp, 1).padStart(11)} ns/op${f.note ? `  (${f.note})` : ""}\n`,
    );
  }
  const overhead = closed1.nsPerOp - bare;
  process.stdout.write(
    `\nengine overhead per operation: ${num(overhead)} ns ${overhead < 1000 ? "✓ under 1 us" : "✗ over the 1 us target"}\n`,
  );

  const generators = await generatorFigures(config, quick);
  printGenerators(config, generators);

  let samplers: SamplerFigure[] | undefined;
  if (values["no-samplers"] !== true) {
    const data = { scale: config.scale, seed: config.seed };
    const endpoints = await storesWithData(data);
    samplers = await samplerFigures(data, endpoints, quick);
    printSamplers(data, samplers);
  }

  if (typeof values.out === "string") {
    writeOutputFile(
      values.out,
      `${JSON.stringify(
        {
          benchmark: "micro",
          node: process.version,
          cpus: os.cpus().length,
          figures,
          engineOverheadNs: Math.round(overhead),
          generators: {
            scale: config.scale,
            seed: config.seed,
            thread: "one (whole tables and worker threads: npm run bench:generate)",
            setupMs: Math.round(generators.setupMs),
            tables: generators.tables,
          },
          samplers:
            samplers === undefined
              ? null
              : { scale: config.scale, seed: config.seed, scenarios: samplers },
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`figures: ${values.out}\n`);
  }
  return 0;
}

const int = (x: number) => num(x);

function printGenerators(
  config: ScaleConfig,
  g: { setupMs: number; tables: GeneratorFigure[] },
): void {
  process.stdout.write(
    `\ngenerators: rows of COPY text on one thread, ${config.scale} seed ${config.seed}, pools built in ${int(g.setupMs)} ms\n  (whole tables, and worker threads: npm run bench:generate)\n`,
  );
  process.stdout.write(
    `  ${"table".padEnd(22)} ${"rows/s".padStart(11)} ${"ns/row".padStart(9)} ${"B/row".padStart(7)} ${"MB/s".padStart(7)} ${"rows/call".padStart(10)}\n`,
  );
  for (const t of g.tables) {
    process.stdout.write(
      `  ${t.table.padEnd(22)} ${int(t.rowsPerSec).padStart(11)} ${num(t.nsPerRow).padStart(9)} ${t.bytesPerRow.toFixed(1).padStart(7)} ${num(t.mbPerSec, 1).padStart(7)} ${int(t.rows).padStart(10)}\n`,
    );
  }
}

function printSamplers(data: { scale: string; seed: number }, s: SamplerFigure[]): void {
  process.stdout.write(
    `\nparameter samplers: sample(state, rng) on the state setup() read from the stores (${data.scale} seed ${data.seed})\n`,
  );
  process.stdout.write(
    `  ${"scenario".padEnd(16)} ${"ns/sample".padStart(10)} ${"samples/s".padStart(12)} ${"setup ms".padStart(9)}\n`,
  );
  for (const f of s) {
    process.stdout.write(
      `  ${f.scenario.padEnd(16)} ${num(f.nsPerSample, 1).padStart(10)} ${int(f.samplesPerSec).padStart(12)} ${int(f.setupMs).padStart(9)}\n`,
    );
  }
}

/** The stores `run` uses, with the scale and seed loaded (a few catalog reads when they are). */
async function storesWithData(data: { scale: string; seed: number }) {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const { resolveEndpoints } = await import("../../stores/services.ts");
  const endpoints = await resolveEndpoints({ onStep: say });
  const { ensureLoaded } = await import("../../load/index.ts");
  // the active index set stays: samplers do not depend on it
  await ensureLoaded({ ...data, endpoints, showProgress: true });
  return endpoints;
}

runMain(main);

/**
 * Writes the parameter files the k6 scripts draw from: for each access
 * pattern, the keys its harness scenario samples and their weights, read by
 * the scenario's own setup() from the loaded data (loaded first, as `run`
 * does, when the stores do not hold the scale and seed asked for).
 *
 *   npm run k6:params -- [--scale small] [--seed 1] [--out-dir scenarios/k6/params]
 *
 * Every file is computed before any is written, and they are written
 * together (temporary files, then renamed): every file or none.
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { UsageError } from "../core/errors.ts";
import { loadScenario } from "../engine/load-scenario.ts";
import { SCALE_NAMES } from "../generators/index.ts";
import { SCENARIOS } from "../scenarios/index.ts";
import type { WeightedPool } from "../scenarios/lib/alias.ts";
import { createDynamoStore } from "../stores/dynamo.ts";
import { createPgStore, pgClientKind } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";
import { type FlagSpec, helpText, parseFlags } from "./lib/args.ts";
import { runMain } from "./lib/main.ts";

const value = (q: QueryCommandInput, name: string) => q.ExpressionAttributeValues?.[name];

/** Per k6 script: the pool in the scenario's state and the key a request needs. */
const EXPORTS: Record<string, { pool: string; key: (v: never, i: number) => unknown }> = {
  "best-dishes": { pool: "pairs", key: (v: [string, string]) => v },
  profile: { pool: "users", key: (v: [string]) => v[0] },
  trending: { pool: "queries", key: (v: QueryCommandInput) => value(v, ":loc") },
  feed: { pool: "viewers", key: (v: string) => v },
  experts: { pool: "pages", key: (_v: unknown, i: number) => i + 1 },
  leaderboards: { pool: "queries", key: (v: QueryCommandInput) => value(v, ":type") },
  "dishes-by-tag": { pool: "pairs", key: (v: [string, string]) => v },
  "dishes-by-type": { pool: "pages", key: (v: [string, string, string]) => v },
  nearby: { pool: "searches", key: (v: number[]) => v.slice(0, 3) },
  "users-by-level": { pool: "pages", key: (v: [number, string]) => v },
  "user-by-username": { pool: "users", key: (v: [string]) => v[0] },
};

const DEFAULT_DIR = fileURLToPath(new URL("./params", import.meta.url));

const FLAGS: FlagSpec = {
  scale: {
    type: "string",
    description: `Data scale the keys are drawn from (${SCALE_NAMES.join(", ")}; loaded first when missing)`,
    default: "small",
  },
  seed: { type: "string", description: "Data seed (loaded first when missing)", default: "1" },
  "out-dir": {
    type: "string",
    description: "Folder for the parameter files (one per k6 script)",
    default: relative(process.cwd(), DEFAULT_DIR) || ".",
  },
  quiet: { type: "boolean", short: "q", description: "No progress or log lines" },
};

const USAGE = "npm run k6:params -- [--scale S] [--seed N] [--out-dir DIR]";
const SUMMARY = `Writes the parameter files the k6 scripts in scenarios/k6/ read (${Object.keys(EXPORTS).join(", ")}): each pattern's keys and weights, drawn by the harness scenario's setup() from the loaded data. Loads the scale and seed first when the stores do not hold them (as 'bellyfed-bench run' does). Every file is written, or none.`;

/** The folder must be one (or creatable) and writable; checked before any service starts. */
function checkOutDir(dir: string): string {
  const path = resolve(dir);
  if (existsSync(path) && !statSync(path).isDirectory())
    throw new UsageError(`--out-dir ${dir} is a file, not a folder; pick a folder`);
  let parent = path;
  while (!existsSync(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory())
    throw new UsageError(
      `--out-dir ${dir}: ${parent} is a file, so no folder can be made there; pick another path`,
    );
  for (const name of Object.keys(EXPORTS)) {
    const file = join(path, `${name}.json`);
    if (existsSync(file) && statSync(file).isDirectory())
      throw new UsageError(
        `--out-dir ${dir}: ${file} is a folder, so the files cannot all be written; remove it or pick another folder`,
      );
  }
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new UsageError(
      `--out-dir ${dir}: no permission to write in ${parent}; pick another path`,
    );
  }
  return path;
}

/** Writes every file or none: temporary files first, then each renamed into place. */
function writeAll(files: Array<[string, string]>): void {
  const tmp = files.map(([path]) => `${path}.${process.pid}.tmp`);
  try {
    for (const [i, [, text]] of files.entries()) writeFileSync(tmp[i], text);
  } catch (e) {
    for (const t of tmp) rmSync(t, { force: true });
    throw e;
  }
  for (const [i, [path]] of files.entries()) renameSync(tmp[i], path);
}

export async function exportParams(argv: string[]): Promise<number> {
  const { values } = parseFlags("k6:params", argv, FLAGS);
  if (values.help) {
    process.stdout.write(`${helpText(USAGE, SUMMARY, FLAGS)}\n`);
    return 0;
  }
  const scale = String(values.scale ?? "small");
  if (!SCALE_NAMES.includes(scale))
    throw new UsageError(`--scale '${scale}' is unknown; use one of ${SCALE_NAMES.join(", ")}`);
  const seedText = String(values.seed ?? "1");
  if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff)
    throw new UsageError(
      `--seed '${seedText}' is not a whole number from 0 to 4294967295; write it like --seed 1`,
    );
  const seed = Number(seedText);
  const dir = checkOutDir(String(values["out-dir"] ?? DEFAULT_DIR));
  pgClientKind(); // BELLYFED_PG_CLIENT, checked before any service starts
  const quiet = values.quiet === true;
  const say = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };

  const { resolveEndpoints } = await import("../stores/services.ts");
  const endpoints: Endpoints = await resolveEndpoints({ onStep: quiet ? undefined : say });
  const { ensureLoaded } = await import("../load/index.ts");
  await ensureLoaded({ scale, seed, endpoints, showProgress: !quiet, command: "k6:params" });

  // every file computed before any is written
  const files: Array<[string, string]> = [];
  const counts: number[] = [];
  for (const [name, spec] of Object.entries(EXPORTS)) {
    const scenario = await loadScenario(SCENARIOS[name].module.href);
    const pg = createPgStore(endpoints.pg, 1);
    const dynamo = createDynamoStore(endpoints.dynamo, 4);
    try {
      const state = (await scenario.setup({
        endpoints,
        pg,
        dynamo,
        data: { scale, seed },
        workerIndex: 0,
        workerCount: 1,
        connections: 1,
      })) as Record<string, WeightedPool<never>>;
      const pool = state[spec.pool];
      if (!pool) throw new Error(`${name}: no '${spec.pool}' pool in its state`);
      files.push([
        join(dir, `${name}.json`),
        `${JSON.stringify({
          scenario: name,
          data: { scale, seed },
          keys: pool.values.map((v, i) => spec.key(v, i)),
          weights: [...pool.weights],
        })}\n`,
      ]);
      counts.push(pool.size);
    } finally {
      dynamo.close();
      await pg.close();
    }
  }
  mkdirSync(dir, { recursive: true });
  writeAll(files);
  const shown = (f: string) => {
    const r = relative(process.cwd(), f);
    return r && !r.startsWith("..") ? r : f;
  };
  for (const [i, [file]] of files.entries())
    process.stdout.write(`${shown(file)}: ${counts[i].toLocaleString("en-US")} keys\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  runMain(exportParams);

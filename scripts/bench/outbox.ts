/**
 * `npm run bench:outbox`: what the sync's outbox fallback costs a writer.
 * Runs the write scenarios rank-dish and follow (closed model, a few virtual
 * users, as fast as the server takes them) on the loaded data without the
 * outbox and with it installed (nobody polling: the writer's cost alone),
 * alternating, then uninstalls it. Prints throughput and latency p50/p99 of
 * each, with the ratio; --out writes them as JSON.
 *
 *   npm run bench:outbox [-- --duration 20s] [-- --vus 4] [-- --rounds 2]
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import pg from "pg";
import { median } from "../../core/median.ts";
import { writeOutputFile } from "../../core/output.ts";
import type { RunResult } from "../../core/result.ts";
import { READ_MODEL_SOURCE_TABLES } from "../../load/read-models.ts";
import { installOutbox, outboxStatus, uninstallOutbox } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import { main } from "../cli.ts";
import { helpText, parseFlags } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

const spec = {
  scale: { type: "string" as const, description: "data scale", default: "small" },
  duration: { type: "string" as const, description: "measured time per run", default: "20s" },
  vus: { type: "string" as const, description: "concurrent writers per scenario", default: "4" },
  rounds: { type: "string" as const, description: "off/on pairs (medians)", default: "2" },
  out: { type: "string" as const, description: "JSON file", default: "results/outbox.json" },
};

const SCENARIOS = ["rank-dish", "follow"];

interface Figures {
  throughput: number;
  p50: number;
  p99: number;
}

async function measure(
  values: Record<keyof typeof spec, string>,
  file: string,
): Promise<Record<string, Figures>> {
  const code = await main([
    "run",
    ...SCENARIOS,
    "--scale",
    String(values.scale),
    "--model",
    "closed",
    "--vus",
    String(values.vus),
    "--duration",
    String(values.duration),
    "--warmup",
    "3s",
    "--quiet",
    "--out",
    file,
  ]);
  // 1: a default target failed, which is not what this bench measures
  if (code !== 0 && code !== 1) throw new Error(`run exited ${code}`);
  const r = JSON.parse(readFileSync(file, "utf8")) as RunResult;
  rmSync(file, { force: true });
  return Object.fromEntries(
    r.scenarios.map((s) => [
      s.name,
      { throughput: s.throughput, p50: s.latency.p50, p99: s.latency.p99 },
    ]),
  );
}

runMain(async (argv) => {
  const parsed = parseFlags("bench:outbox", argv, spec).values;
  const values = {
    ...Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, v.default])),
    ...parsed,
  } as Record<keyof typeof spec, string> & { help?: boolean };
  if (values.help) {
    process.stdout.write(
      `${helpText("npm run bench:outbox [-- options]", "Write scenarios without and with the sync's outbox triggers: throughput and latency of each (results/outbox.json).", spec)}\n`,
    );
    return 0;
  }
  mkdirSync("results", { recursive: true });
  const rounds = Math.max(1, Number(values.rounds));
  const off: Record<string, Figures>[] = [];
  const on: Record<string, Figures>[] = [];
  let pool: pg.Pool | undefined;
  try {
    for (let i = 0; i < rounds; i++) {
      off.push(await measure(values, "results/.outbox-off.json"));
      if (!pool) {
        // the first run loaded the data if it was missing
        pool = new pg.Pool(pgClientConfig((await resolveEndpoints()).pg));
        await uninstallOutbox(pool);
      }
      await installOutbox(pool, READ_MODEL_SOURCE_TABLES);
      on.push(await measure(values, "results/.outbox-on.json"));
      const st = await outboxStatus(pool);
      process.stdout.write(
        `round ${i + 1}: outbox captured ${st.pendingTransactions} transactions, ${st.pendingRows} rows\n`,
      );
      await uninstallOutbox(pool);
    }
  } finally {
    if (pool) await uninstallOutbox(pool).catch(() => {});
    await pool?.end();
  }
  const pick = (runs: Record<string, Figures>[], s: string, k: keyof Figures) =>
    median(runs.map((r) => r[s][k]));
  const rows = SCENARIOS.map((s) => ({
    scenario: s,
    off: {
      throughput: pick(off, s, "throughput"),
      p50: pick(off, s, "p50"),
      p99: pick(off, s, "p99"),
    },
    on: { throughput: pick(on, s, "throughput"), p50: pick(on, s, "p50"), p99: pick(on, s, "p99") },
  }));
  const f = (n: number) => n.toFixed(n >= 100 ? 0 : 2);
  process.stdout.write(
    `\nscenario    ops/s off  ops/s on  on/off   p50 off  p50 on   p99 off  p99 on   (ms, medians of ${rounds})\n`,
  );
  for (const r of rows)
    process.stdout.write(
      `${r.scenario.padEnd(11)} ${f(r.off.throughput).padStart(9)} ${f(r.on.throughput).padStart(9)} ${(r.on.throughput / r.off.throughput).toFixed(2).padStart(7)}  ${f(r.off.p50).padStart(7)} ${f(r.on.p50).padStart(7)}  ${f(r.off.p99).padStart(7)} ${f(r.on.p99).padStart(7)}\n`,
    );
  writeOutputFile(
    String(values.out),
    `${JSON.stringify({ kind: "outbox-overhead", scenarios: SCENARIOS, vus: Number(values.vus), duration: values.duration, rounds, results: rows, measuredAt: new Date().toISOString() }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${values.out}\n`);
  return 0;
});

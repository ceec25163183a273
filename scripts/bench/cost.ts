/**
 * Cost per operation of some scenarios (`npm run bench:cost`):
 * each run at a modest arrival rate after a warm-up (capacity/cost.ts,
 * measureCost), printed as the capacity sweep prints it (formatCost), after
 * the machine and the data it ran on (describeMachine, measureDataset).
 *
 *   npm run bench:cost [-- SCENARIO... --scale small --rate 20 --duration 10s --warmup 2s --out FILE]
 */
import { writeFileSync } from "node:fs";
import { measureCost } from "../../capacity/cost.ts";
import { formatCost } from "../../capacity/cost-format.ts";
import { describeMachine, measureDataset } from "../../capacity/dataset.ts";
import type { OperationCost } from "../../capacity/types.ts";
import { UsageError } from "../../core/errors.ts";
import { num } from "../../core/format.ts";
import { loadRegistry } from "../../engine/registry.ts";
import { ensureLoaded } from "../../load/index.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import { helpText, parseDuration, parseFlags, parsePositiveNumber } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

/** read scenarios only: a write scenario changes the data, so it runs when named */
const DEFAULT_SCENARIOS = ["best-dishes", "trending", "experts", "leaderboards"];

const spec = {
  scale: { type: "string" as const, description: "data scale", default: "small" },
  rate: { type: "string" as const, description: "arrival rate, operations/s", default: "20" },
  duration: { type: "string" as const, description: "measured time per scenario", default: "10s" },
  warmup: { type: "string" as const, description: "warm-up step before it", default: "2s" },
  out: { type: "string" as const, description: "write the costs as JSON to FILE" },
};

runMain(async (argv) => {
  const { values, positionals } = parseFlags("bench:cost", argv, spec, true);
  if (values.help) {
    process.stdout.write(
      `${helpText("npm run bench:cost -- [SCENARIO...] [options]", `Cost per operation of each scenario (default: ${DEFAULT_SCENARIOS.join(", ")}): PostgreSQL from pg_stat_statements and /proc, DynamoDB units measured and computed from item sizes.`, spec)}\n`,
    );
    return 0;
  }
  const scale = String(values.scale ?? "small");
  const rate = parsePositiveNumber("rate", String(values.rate ?? "20"), 10_000);
  const durationS = parseDuration("duration", String(values.duration ?? "10s")) / 1000;
  const warmupS = parseDuration("warmup", String(values.warmup ?? "2s")) / 1000;
  const names = positionals.length > 0 ? positionals : DEFAULT_SCENARIOS;
  const registry = await loadRegistry();
  for (const n of names)
    if (!registry.has(n))
      throw new UsageError(
        `unknown scenario '${n}'; known: ${[...registry.keys()].join(", ")} (npx bellyfed-bench run --help)`,
      );
  const { SCALE_NAMES } = await import("../../generators/index.ts");
  if (!SCALE_NAMES.includes(scale))
    throw new UsageError(`--scale '${scale}' is unknown; use one of ${SCALE_NAMES.join(", ")}`);

  const endpoints = await resolveEndpoints();
  const data = { scale, seed: 1 };
  await ensureLoaded({ ...data, endpoints });
  const machine = await describeMachine(endpoints);
  const dataset = await measureDataset(endpoints);
  const say = (l: string) => process.stdout.write(`${l}\n`);
  say(
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; PostgreSQL ${machine.postgresVersion}${machine.pgLocal ? " on this machine" : ""}${machine.sharedCores ? " (sharing its cores with the load generator)" : ""}; DynamoDB: ${machine.dynamoEndpoint}`,
  );
  const pgBytes = dataset.pgTables.reduce((a, t) => a + t.tableBytes + t.indexBytes, 0);
  const dyBytes = dataset.dynamoTables.reduce((a, t) => a + t.bytes, 0);
  say(
    `data: scale ${dataset.scale}, ${num(dataset.users)} users; PostgreSQL ${dataset.pgTables.length} tables, ${num(pgBytes / 2 ** 20, 1)} MiB with indexes; DynamoDB ${dataset.dynamoTables.length} tables, ${num(dataset.dynamoTables.reduce((a, t) => a + t.items, 0))} items, ${num(dyBytes / 2 ** 20, 1)} MiB`,
  );
  const costs: Record<string, OperationCost> = {};
  for (const scenario of names) {
    const cost = await measureCost({
      scenario,
      rate,
      durationS,
      warmupS,
      endpoints,
      data,
      onProgress: (l) => process.stderr.write(`${l}\n`),
    });
    costs[scenario] = cost;
    say("");
    say(`${scenario}:`);
    for (const l of formatCost(cost)) say(l);
  }
  if (values.out)
    writeFileSync(String(values.out), `${JSON.stringify({ machine, dataset, costs }, null, 2)}\n`);
  return 0;
});

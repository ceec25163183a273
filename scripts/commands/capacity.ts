import { relative } from "node:path";
import { FULL, plannedSeconds, planSweep, QUICK } from "../../capacity/plan.ts";
import { runSweep, writeSweep } from "../../capacity/sweep.ts";
import { UsageError } from "../../core/errors.ts";
import { checkOutputPath } from "../../core/output.ts";
import { SCALE_NAMES } from "../../generators/scale.ts";
import { loadIndexSet } from "../../schema/index-sets/index-sets.ts";
import type { Command } from "../command.ts";
import { type FlagSpec, helpText, parseFlags, parsePositiveInt } from "../lib/args.ts";
import { untilInterrupted } from "../lib/interrupt.ts";

const USAGE =
  "bellyfed-bench capacity sweep [SCENARIO...] [--quick] [--out FILE] [--max-connections N]\n       bellyfed-bench capacity report [--from SWEEP.json] [--profile FILE] (capacity report --help)";
const SUMMARY =
  "Capacity sweep: each PostgreSQL scenario (reads and writes) through a closed-model concurrency sweep (1, 2, 4, ... connections) with the Universal Scalability Law fitted, then an open-model rate sweep to its knee (each step stopped as soon as it breaks its targets, then a drill-in), then its cost per operation below the knee; DynamoDB scenarios get the cost only. Without SCENARIO: every scenario (--quick: best-dishes, follow, leaderboards). Writes a versioned JSON result; exit 2 on bad input.";

const SPEC: FlagSpec = {
  quick: {
    type: "boolean",
    description: "a few scenarios and few, short steps (within 2 minutes on 2 cores)",
  },
  out: {
    type: "string",
    description: "result file (default: results/capacity-sweep-<timestamp>.json)",
  },
  "max-connections": {
    type: "string",
    description: "the concurrency sweep's last step: 1, 2, 4, ... up to N (default 16 quick, 32)",
  },
  scale: {
    type: "string",
    description: `data scale (${SCALE_NAMES.join(", ")})`,
    default: "small",
  },
  seed: { type: "string", description: "data seed", default: "1" },
  "index-set": { type: "string", description: "PostgreSQL index set the data is loaded with" },
  targets: { type: "string", description: "targets file", default: "scenarios/targets.json" },
  "allow-writes": {
    type: "boolean",
    description: "let write scenarios run against a target marked production",
  },
  quiet: { type: "boolean", short: "q", description: "no progress lines" },
};

const minutes = (s: number) =>
  s < 90 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

const capacity: Command = {
  name: "capacity",
  summary:
    "Capacity sweeps (concurrency with the USL fitted, rate to the knee, cost per operation) and the capacity planning report",
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === "--help" || sub === "-h") {
      process.stdout.write(`${helpText(USAGE, SUMMARY, SPEC)}\n`);
      return 0;
    }
    if (sub === "report") {
      const { runCapacityReport } = await import("./capacity-report.ts");
      return runCapacityReport(rest);
    }
    if (sub !== "sweep")
      throw new UsageError(
        `capacity: unknown subcommand '${sub}'; use: bellyfed-bench capacity sweep --quick, or bellyfed-bench capacity report`,
      );
    const { values, positionals } = parseFlags("capacity sweep", rest, SPEC, true);
    if (values.help) {
      process.stdout.write(`${helpText(USAGE, SUMMARY, SPEC)}\n`);
      return 0;
    }
    const str = (k: string) => values[k] as string | undefined;
    const scale = str("scale") ?? "small";
    if (!SCALE_NAMES.includes(scale))
      throw new UsageError(`--scale '${scale}' is unknown; use one of ${SCALE_NAMES.join(", ")}`);
    const seedText = str("seed") ?? "1";
    if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff)
      throw new UsageError(
        `--seed '${seedText}' is not a whole number from 0 to 4294967295; write it like --seed 1`,
      );
    const maxConnections =
      str("max-connections") === undefined
        ? undefined
        : parsePositiveInt("max-connections", str("max-connections")!, 1024);
    if (str("index-set") !== undefined) loadIndexSet(str("index-set")!);
    const out = str("out") === undefined ? undefined : checkOutputPath("out", str("out")!);
    const quick = values.quick === true;
    const planned = await planSweep({ scenarios: positionals, quick, targetsFile: str("targets") });
    const say = values.quiet ? () => {} : (line: string) => process.stdout.write(`${line}\n`);
    const full = await planSweep({ targetsFile: str("targets") });
    const whole =
      quick || positionals.length > 0
        ? ` (the full sweep of ${full.length} scenarios: up to about ${minutes(plannedSeconds(full, FULL))})`
        : "";
    say(
      `capacity sweep${quick ? " --quick" : ""}: ${planned.map((p) => `${p.entry.name}${p.store === "dynamodb" ? " (cost only)" : ""}`).join(", ")}; planned: up to about ${minutes(plannedSeconds(planned, quick ? QUICK : FULL))}${whole}`,
    );
    const { value: sweep, interrupted } = await untilInterrupted((signal) =>
      runSweep({
        planned,
        quick,
        maxConnections,
        data: { scale, seed: Number(seedText) },
        indexSet: str("index-set"),
        allowWrites: values["allow-writes"] === true,
        signal,
        onProgress: say,
      }),
    );
    const path = writeSweep(sweep, out);
    const rel = relative(process.cwd(), path);
    process.stdout.write(
      `capacity sweep${quick ? " --quick" : ""}: ${sweep.scenarios.length} scenarios in ${minutes(sweep.durationS)} on ${sweep.machine.cpus} x ${sweep.machine.cpuModel}\nresult: ${rel && !rel.startsWith("..") ? rel : path}\n`,
    );
    return interrupted ? 130 : 0;
  },
};

export default capacity;

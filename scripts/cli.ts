import type { Command } from "./command.ts";
import { reportError } from "./lib/report-error.ts";

export { reportError };

/** Every command, loaded only when called so `--help` and small commands stay fast. */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  services: {
    summary: "Start, stop and inspect the PostgreSQL and DynamoDB services",
    load: async () => (await import("./commands/services.ts")).default,
  },
  schema: {
    summary: "Apply, inspect or reset the schema (tables, index sets, DynamoDB tables)",
    load: async () => (await import("./commands/schema.ts")).default,
  },
  load: {
    summary: "Generate deterministic data at a scale and load it into PostgreSQL and DynamoDB",
    load: async () => (await import("./commands/load.ts")).default,
  },
  run: {
    summary: "Run access-pattern scenarios under load and check their targets",
    load: async () => (await import("./commands/run.ts")).default,
  },
  gate: {
    summary: "Judge result files against targets and a baseline; write JUnit, HTML, Markdown",
    load: async () => (await import("./commands/gate.ts")).default,
  },
  merge: {
    summary: "Combine the results of several load generators of one run into one result",
    load: async () => (await import("./commands/merge.ts")).default,
  },
  check: {
    summary: "Verify the ranking invariants of the loaded data (run after writes)",
    load: async () => (await import("./commands/check.ts")).default,
  },
  sync: {
    summary:
      "Keep the DynamoDB read models in step with PostgreSQL (change capture); status, verify, reset",
    load: async () => (await import("./commands/sync.ts")).default,
  },
  tune: {
    summary: "Index tuning: plans, findings, what-if indexes and an A/B benchmark of index sets",
    load: async () => (await import("./commands/tune.ts")).default,
  },
  capacity: {
    summary: "Capacity sweeps: concurrency (USL fit) and rate (the knee) per PostgreSQL scenario",
    load: async () => (await import("./commands/capacity.ts")).default,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return [
    "Usage: bellyfed-bench <command> [options]",
    "",
    "Load-testing and benchmark harness for the Bellyfed data architecture.",
    "",
    "Commands:",
    ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'bellyfed-bench <command> --help' for a command's options.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === "--version" || name === "-v") {
    const pkg = await import("../package.json", { with: { type: "json" } });
    process.stdout.write(`${pkg.default.version}\n`);
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(
      `bellyfed-bench: unknown command '${name}'; run 'bellyfed-bench --help' for the list\n`,
    );
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(rest);
  } catch (e) {
    return reportError(e);
  }
}

import { UsageError } from "../../core/errors.ts";
import {
  containerRuntimeAvailable,
  startContainers,
  stopContainers,
} from "../../stores/containers.ts";
import { envLines, resolveEndpoints, servicesDown, servicesStatus } from "../../stores/services.ts";
import type { Command } from "../command.ts";
import { type FlagSpec, helpText, parseFlags, parsePositiveInt } from "../lib/args.ts";

const SUBCOMMANDS = ["up", "down", "status", "env"] as const;

const spec: FlagSpec = {
  "pg-port": {
    type: "string",
    description: "Port for the embedded PostgreSQL (up)",
    default: "55432, or a free one",
  },
  "dynamo-port": {
    type: "string",
    description: "Port for the embedded DynamoDB (up)",
    default: "58000, or a free one",
  },
  dynalite: {
    type: "boolean",
    description: "Use dynalite (pure Node, no transactions) instead of DynamoDB Local",
  },
  docker: {
    type: "boolean",
    description: "Use containers (testcontainers) when a container engine runs; else embedded",
  },
};

const summary = `Subcommands:
  up       Start the embedded PostgreSQL and DynamoDB Local (or reuse them while they run)
  down     Stop them (their data is kept in .bellyfed/)
  status   Show which stores are used and whether they answer
  env      Print export lines for psql and the AWS CLI: eval "$(npx bellyfed-bench services env)"

With DATABASE_URL or PGHOST set, PostgreSQL is that server; with AWS_ENDPOINT_URL_DYNAMODB,
or AWS_REGION with AWS credentials, DynamoDB is that endpoint or real DynamoDB.`;

const command: Command = {
  name: "services",
  summary: "Start, stop and inspect the PostgreSQL and DynamoDB services",
  async run(argv) {
    const { values, positionals } = parseFlags("services", argv, spec, true);
    if (values.help) {
      process.stdout.write(
        `${helpText("bellyfed-bench services <up|down|status|env> [options]", summary, spec)}\n`,
      );
      return 0;
    }
    const sub = positionals[0];
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub) || positionals.length > 1) {
      throw new UsageError(
        `services: expected one of ${SUBCOMMANDS.join(", ")}${sub ? ` (got '${positionals.join(" ")}')` : ""}; see 'bellyfed-bench services --help'`,
      );
    }
    // flags that only `up` (or `up` and `down`, for --docker) reads do nothing elsewhere
    const applies: Record<string, readonly string[]> = {
      "pg-port": ["up"],
      "dynamo-port": ["up"],
      dynalite: ["up"],
      docker: ["up", "down"],
    };
    for (const [flag, subs] of Object.entries(applies))
      if (values[flag] !== undefined && !subs.includes(sub))
        throw new UsageError(
          `services ${sub}: --${flag} applies to ${subs.map((x) => `'services ${x}'`).join(" and ")} only; drop it`,
        );
    const pgPort = values["pg-port"]
      ? parsePositiveInt("pg-port", String(values["pg-port"]), 65535)
      : undefined;
    const dynamoPort = values["dynamo-port"]
      ? parsePositiveInt("dynamo-port", String(values["dynamo-port"]), 65535)
      : undefined;
    const say = (line: string) => process.stderr.write(`${line}\n`);
    switch (sub) {
      case "up": {
        if (values.docker) {
          if (containerRuntimeAvailable()) {
            const c = await startContainers();
            say(
              `containers started: PostgreSQL on 127.0.0.1:${c.pgPort}, DynamoDB Local on 127.0.0.1:${c.dynamoPort}`,
            );
            say(
              `use them with: export DATABASE_URL=postgres://postgres@127.0.0.1:${c.pgPort}/bellyfed AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:${c.dynamoPort}`,
            );
            return 0;
          }
          say(
            "no container engine answers ('docker info' failed): using the embedded services instead",
          );
        }
        const endpoints = await resolveEndpoints({
          pgPort,
          dynamoPort,
          dynalite: Boolean(values.dynalite),
          onStep: say,
        });
        process.stdout.write(
          `postgres: ${endpoints.pg.description}\ndynamodb: ${endpoints.dynamo.description}\n`,
        );
        process.stdout.write(
          `next: eval "$(npx bellyfed-bench services env)" to use psql and the AWS CLI\n`,
        );
        return 0;
      }
      case "down":
        if (values.docker && containerRuntimeAvailable())
          say(`${stopContainers()} container(s) removed`);
        await warnInactiveSlots(say);
        await servicesDown(say);
        return 0;
      case "status": {
        const rows = await servicesStatus();
        for (const r of rows) {
          process.stdout.write(
            `${r.name.padEnd(9)} ${(r.running ? "running" : "stopped").padEnd(8)} ${r.source.padEnd(13)} ${r.detail}\n`,
          );
        }
        return 0;
      }
      case "env": {
        const endpoints = await resolveEndpoints();
        process.stdout.write(`${envLines(endpoints).join("\n")}\n`);
        return 0;
      }
    }
    return 2;
  },
};

export default command;

/**
 * Before the stores stop: a harness replication slot nobody reads keeps
 * every byte of WAL from its position on, also across restarts. Silent when
 * PostgreSQL does not answer (nothing to warn about that can be checked).
 */
async function warnInactiveSlots(say: (line: string) => void): Promise<void> {
  try {
    const endpoints = await resolveEndpoints({ start: false });
    const { withClient } = await import("../../stores/postgres.ts");
    const { inactiveSlotWarnings } = await import("./sync.ts");
    for (const w of await withClient(endpoints.pg, inactiveSlotWarnings)) say(w);
  } catch {
    // not running, or not ours to inspect: `services down` goes on
  }
}

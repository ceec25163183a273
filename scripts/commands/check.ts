import pg from "pg";
import { UsageError } from "../../core/errors.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import { checkIntegrity, formatFindings, violated } from "../../integrity/checks.ts";
import { DATA_EPOCH_ENV } from "../../scenarios/lib/writes.ts";
import { readPgMarker } from "../../stores/markers.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import type { Command } from "../command.ts";
import { type FlagSpec, helpText, parseFlags } from "../lib/args.ts";

const SPEC: FlagSpec = {
  out: { type: "string", description: "also write the findings as JSON to this file" },
  quiet: { type: "boolean", short: "q", description: "no service start-up lines" },
};

const USAGE = "bellyfed-bench check [--out FILE]";
const SUMMARY =
  "Verifies the ranking system's invariants in the loaded PostgreSQL data (ranks 1..n per user and dish type, one #1, no dangling references, activity points matching the actions); prints each violation's count and examples; exit 0 when clean, 1 on violations, 2 on bad input.";

const check: Command = {
  name: "check",
  summary: "Verify the ranking invariants of the loaded data (run after writes)",
  async run(argv) {
    const { values, positionals } = parseFlags("check", argv, SPEC, true);
    if (values.help) {
      process.stdout.write(`${helpText(USAGE, SUMMARY, SPEC)}\n`);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(
        `check takes no arguments (got ${positionals.join(" ")}); run: bellyfed-bench check`,
      );
    const out = values.out === undefined ? undefined : checkOutputPath("out", values.out as string);
    const { resolveEndpoints } = await import("../../stores/services.ts");
    const say = (line: string) => process.stderr.write(`${line}\n`);
    const endpoints = await resolveEndpoints({ onStep: values.quiet ? undefined : say });
    const client = new pg.Client(pgClientConfig(endpoints.pg));
    await client.connect();
    try {
      const marker = await readPgMarker(client);
      if (!marker?.load)
        throw new UsageError(
          `check: ${endpoints.pg.description} holds no loaded data; load data first: bellyfed-bench load --scale small`,
        );
      const t0 = performance.now();
      const findings = await checkIntegrity(client, process.env[DATA_EPOCH_ENV] || undefined);
      const ms = performance.now() - t0;
      const target = `${endpoints.pg.description} (scale ${marker.load.scale}, seed ${marker.load.seed})`;
      process.stdout.write(
        `${formatFindings(findings, target)}\nchecked in ${(ms / 1000).toFixed(1)} s\n`,
      );
      if (out)
        writeOutputFile(
          out,
          `${JSON.stringify({ checkedAt: new Date().toISOString(), target, findings }, null, 2)}\n`,
        );
      return violated(findings).length === 0 ? 0 : 1;
    } finally {
      await client.end();
    }
  },
};

export default check;

import { UsageError } from "../../core/errors.ts";
import { num, plural } from "../../core/format.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import { renderTuneHtml } from "../../reports/tune-html.ts";
import { renderTuneMarkdown } from "../../reports/tune-markdown.ts";
import { listIndexSets, loadIndexSet, readPgMarker } from "../../schema/index.ts";
import { pgClientKind } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import { connect } from "../../tuning/patterns.ts";
import { runTuning, type TuneReport } from "../../tuning/session.ts";
import type { Command } from "../command.ts";
import {
  type FlagSpec,
  helpText,
  parseDuration,
  parseFlags,
  parsePositiveInt,
  parsePositiveNumber,
} from "../lib/args.ts";

const USAGE =
  "bellyfed-bench tune [--scenario NAME...] [--index-set NAME] [--samples N] [--ab] [--duration 10s] [--save-set] [--out FILE] [--markdown FILE] [--html FILE]";
const SUMMARY = `Index tuning on loaded data: EXPLAIN (ANALYZE, BUFFERS) of every PostgreSQL access pattern on sampled real parameters, pg_stat_statements and index-usage figures around a short run, findings with the SQL that fixes each (duplicate, redundant, unused indexes, unindexed foreign keys, scans and sorts without a usable index, index types that cannot serve the predicate), what-if on candidate indexes (hypopg, or built for real and dropped), the proposed index set, an A/B benchmark of the sets (--ab) and the DynamoDB partition-key spread.`;

const FLAGS: FlagSpec = {
  scenario: {
    type: "string",
    multiple: true,
    description: "Access pattern to tune (repeatable; default: all)",
  },
  "index-set": {
    type: "string",
    description: "Index set to tune (default: the active set, or seed)",
  },
  scale: {
    type: "string",
    description: "Data scale (loaded first when missing)",
    default: "small",
  },
  seed: { type: "string", description: "Data seed", default: "1" },
  samples: {
    type: "string",
    description: "Sampled operations per pattern for EXPLAIN ANALYZE",
    default: "20",
  },
  "usage-duration": {
    type: "string",
    description: "Run per pattern for statement and index-usage figures",
    default: "5s",
  },
  ab: {
    type: "boolean",
    description:
      "A/B benchmark: each index probe with its index and without it (the proposal follows the verdicts), then the tuned set against the proposal printed (or the saved set --proposed names)",
  },
  duration: {
    type: "string",
    description: "A/B measured duration per pattern and set, and per probe variant (with --ab)",
    default: "10s",
  },
  vus: { type: "string", description: "Virtual users (closed model) for the runs", default: "4" },
  proposed: {
    type: "string",
    description:
      "With --ab: measure the saved set schema/index-sets/NAME.sql instead of the proposal; with --save-set: the name to save it as (default: tuned)",
  },
  "save-set": {
    type: "boolean",
    description: "Write the proposed set to schema/index-sets/NAME.sql (before the A/B)",
  },
  traffic: {
    type: "string",
    description: "Queries/s per DynamoDB pattern for the hot-partition projection",
    default: "1000",
  },
  "no-dynamo": { type: "boolean", description: "Skip the DynamoDB key analysis" },
  "no-what-if": {
    type: "boolean",
    description: "Skip the what-if evaluation of candidate indexes",
  },
  out: {
    type: "string",
    description: "Write the findings as JSON (kind, table, index, pattern, evidence, fix)",
  },
  markdown: { type: "string", description: "Write the report as Markdown" },
  html: { type: "string", description: "Write the report as self-contained HTML" },
  json: { type: "string", description: "Write the whole report (plans, figures, A/B) as JSON" },
};

function outputPath(flag: string, value: unknown): string | undefined {
  return value === undefined ? undefined : checkOutputPath(flag, String(value));
}

export function terminal(r: TuneReport): string {
  const lines: string[] = [];
  lines.push(
    `tune: ${r.patterns.length} PostgreSQL patterns on ${r.data.scale} (seed ${r.data.seed}), index set ${r.data.indexSet}`,
  );
  lines.push(`  statements: ${r.capabilities.pgStatStatements}; what-if: ${r.capabilities.whatIf}`);
  for (const p of r.patterns)
    for (const s of p.statements)
      lines.push(
        `  ${p.pattern.padEnd(16)} ${s.executionMs.median.toFixed(2).padStart(8)} ms median  ${s.shapes[0]?.shape ?? ""}`.slice(
          0,
          200,
        ),
      );
  lines.push(`findings: ${r.findings.length}`);
  for (const f of r.findings)
    lines.push(
      `  [${f.severity}] ${f.kind} ${f.table}${f.index ? ` ${f.index}` : ""}${f.pattern ? ` (${f.pattern})` : ""}`,
    );
  if (
    r.findings.some((f) => f.kind === "unused-index" && /not every access pattern/.test(f.evidence))
  )
    lines.push(
      "  (unused-index: only some access patterns were measured; tune them all, without --scenario, before dropping an index)",
    );
  if (r.probeAb && r.probeAb.rows.length > 0) {
    const pa = r.probeAb;
    lines.push(
      `probe A/B on ${pa.set} (${pa.durationMs / 1000}s per variant, ${pa.vus} VUs): p50 / p95 ms, ops/s, insert rows/s, index size`,
    );
    for (const x of pa.rows)
      lines.push(
        `  ${x.probe.padEnd(16)} ${x.variant.padEnd(42)} ${x.figures.p50.toFixed(2)} / ${x.figures.p95.toFixed(2)} ms ${num(x.figures.throughput)} ops/s ${x.insertRowsPerSecond === null ? "-" : num(x.insertRowsPerSecond)} rows/s${x.indexBytes ? ` ${Math.round(x.indexBytes / 1024)} kB` : ""}${x.verdict ? `  ${x.verdict}` : ""}`,
      );
  }
  lines.push(
    `proposed set ${r.proposed.name}: dropped ${r.proposed.dropped.map((d) => d.name).join(", ") || "none"}; added ${r.proposed.added.map((a) => a.name).join(", ") || "none"}`,
  );
  for (const f of r.proposed.followed ?? []) lines.push(`  probe A/B: ${f}`);
  if (r.ab) {
    const [a, b] = r.ab.sets;
    lines.push(
      `A/B (${r.ab.durationMs / 1000}s per pattern, ${r.ab.vus} VUs): p50 / p95 / p99 ms and ops/s, ${a.set} -> ${b.set}`,
    );
    for (const pa of a.patterns) {
      const pb = b.patterns.find((x) => x.pattern === pa.pattern)!;
      lines.push(
        `  ${pa.pattern.padEnd(16)} ${pa.latency.p50.toFixed(2)} / ${pa.latency.p95.toFixed(2)} / ${pa.latency.p99.toFixed(2)} ms ${num(pa.throughput)} ops/s -> ${pb.latency.p50.toFixed(2)} / ${pb.latency.p95.toFixed(2)} / ${pb.latency.p99.toFixed(2)} ms ${num(pb.throughput)} ops/s`,
      );
    }
    for (const t of r.ab.affectedTables) {
      const ia = a.inserts.find((x) => x.table === t);
      const ib = b.inserts.find((x) => x.table === t);
      if (ia && ib)
        lines.push(
          `  insert ${t.padEnd(22)} ${num(ia.rowsPerSecond)} rows/s (${plural(ia.indexes, "index", "indexes")}) -> ${num(ib.rowsPerSecond)} rows/s (${plural(ib.indexes, "index", "indexes")})`,
        );
    }
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}

const tune: Command = {
  name: "tune",
  summary: "Index tuning: plans, findings, what-if indexes and an A/B benchmark of index sets",
  async run(argv) {
    const { values: v } = parseFlags("tune", argv, FLAGS);
    if (v.help) {
      process.stdout.write(`${helpText(USAGE, SUMMARY, FLAGS)}\n`);
      return 0;
    }
    const scenarios = (v.scenario as string[] | undefined) ?? [];
    const { SCENARIOS } = (await import("../../scenarios/index.ts")) as {
      SCENARIOS: Record<string, { stores: string[] }>;
    };
    for (const s of scenarios)
      if (!SCENARIOS[s])
        throw new UsageError(
          `--scenario '${s}' is unknown; known: ${Object.keys(SCENARIOS).join(", ")}`,
        );
    // plans need a PostgreSQL pattern; DynamoDB-only ones feed just the key analysis
    const pgNames = Object.keys(SCENARIOS).filter((n) => SCENARIOS[n].stores.includes("postgres"));
    const dynamoOnly = scenarios.filter((s) => !SCENARIOS[s].stores.includes("postgres"));
    if (scenarios.length > 0 && dynamoOnly.length === scenarios.length)
      throw new UsageError(
        `tune: --scenario ${dynamoOnly.join(", ")} reads only DynamoDB; tune needs a PostgreSQL access pattern too (${pgNames.join(", ")})`,
      );
    if (v["no-dynamo"] && dynamoOnly.length > 0)
      throw new UsageError(
        `tune: --scenario ${dynamoOnly.join(", ")} reads only DynamoDB, which --no-dynamo skips; drop one of them`,
      );
    const samples = parsePositiveInt("samples", String(v.samples ?? "20"), 10_000);
    const usageDurationMs = parseDuration("usage-duration", String(v["usage-duration"] ?? "5s"));
    const abDurationMs = parseDuration("duration", String(v.duration ?? "10s"));
    const vus = parsePositiveInt("vus", String(v.vus ?? "4"), 256);
    const traffic = parsePositiveNumber("traffic", String(v.traffic ?? "1000"));
    const seedText = String(v.seed ?? "1");
    if (!/^\d+$/.test(seedText))
      throw new UsageError(`--seed '${seedText}' is not a whole number; write it like --seed 1`);
    if (Number(seedText) > 0xffffffff)
      throw new UsageError(
        `--seed ${seedText} is out of range; use a whole number from 0 to 4294967295`,
      );
    const scale = String(v.scale ?? "small");
    const { SCALE_NAMES } = await import("../../generators/index.ts");
    if (!SCALE_NAMES.includes(scale))
      throw new UsageError(`--scale '${scale}' is unknown; use one of ${SCALE_NAMES.join(", ")}`);
    const proposedName = String(v.proposed ?? "tuned");
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(proposedName))
      throw new UsageError(
        `--proposed '${proposedName}' may hold only a-z, 0-9, '_' and '-'; write it like --proposed tuned`,
      );
    if (v["index-set"] !== undefined) loadIndexSet(String(v["index-set"]));
    // flags that would do nothing in this context
    if (v.proposed !== undefined && !v.ab && !v["save-set"])
      throw new UsageError(
        "tune: --proposed names the saved set --ab measures or --save-set writes; add --ab or --save-set",
      );
    if (v.duration !== undefined && !v.ab)
      throw new UsageError(
        "tune: --duration is the A/B's duration per pattern; add --ab or drop it",
      );
    if (v.traffic !== undefined && v["no-dynamo"])
      throw new UsageError(
        "tune: --traffic sizes the DynamoDB key analysis, which --no-dynamo skips; drop one of them",
      );
    // --ab measures the proposal it prints; a saved set only when --proposed names it
    const abSet = v.ab && v.proposed !== undefined && !v["save-set"] ? proposedName : undefined;
    if (abSet !== undefined && !listIndexSets().includes(abSet))
      throw new UsageError(
        `--proposed ${abSet}: schema/index-sets/${abSet}.sql does not exist; drop --proposed to measure this session's proposal, or save one first: bellyfed-bench tune --save-set --proposed ${abSet}`,
      );
    if (abSet !== undefined) loadIndexSet(abSet);
    pgClientKind(); // BELLYFED_PG_CLIENT, checked before any service starts
    const out = outputPath("out", v.out);
    const markdown = outputPath("markdown", v.markdown);
    const html = outputPath("html", v.html);
    const json = outputPath("json", v.json);

    const endpoints = await resolveEndpoints();
    let indexSet = v["index-set"] as string | undefined;
    if (indexSet === undefined) {
      const c = await connect(endpoints);
      try {
        indexSet = (await readPgMarker(c).catch(() => null))?.indexSet ?? "seed";
      } finally {
        await c.end();
      }
    }
    const report = await runTuning(endpoints, {
      scenarios,
      indexSet,
      proposedName,
      samples,
      usageDurationMs,
      ab: Boolean(v.ab),
      abSet,
      abDurationMs,
      vus,
      traffic,
      dynamo: !v["no-dynamo"],
      whatIf: !v["no-what-if"],
      save: Boolean(v["save-set"]),
      data: { scale, seed: Number(seedText) },
      onStep: (l) => process.stderr.write(`tune: ${l}\n`),
    });
    if (out)
      writeOutputFile(
        out,
        `${JSON.stringify(
          {
            format: "bellyfed-bench/tune-findings",
            version: 1,
            generatedAt: report.generatedAt,
            data: report.data,
            findings: report.findings,
          },
          null,
          2,
        )}\n`,
      );
    if (markdown) writeOutputFile(markdown, renderTuneMarkdown(report));
    if (html) writeOutputFile(html, renderTuneHtml(report));
    if (json) writeOutputFile(json, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${terminal(report)}\n`);
    return 0;
  },
};

export default tune;

import { DEFAULT_PRICES, loadPrices } from "../../capacity/prices.ts";
import { DEFAULT_PROFILE, loadProfile } from "../../capacity/profile.ts";
import {
  buildReport,
  type CapacityReport,
  type WhatIf,
  whatIf,
} from "../../capacity/projection.ts";
import { type Assumptions, DEFAULT_ASSUMPTIONS } from "../../capacity/projection-types.ts";
import { quickSweep, readSweep } from "../../capacity/sweep-input.ts";
import type { CapacitySweep } from "../../capacity/types.ts";
import { UsageError } from "../../core/errors.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import { costChartDocument } from "../../reports/capacity-charts.ts";
import { renderCapacityHtml } from "../../reports/capacity-html.ts";
import { renderCapacityMarkdown } from "../../reports/capacity-markdown.ts";
import { renderCapacityTerminal } from "../../reports/capacity-text.ts";
import { type FlagSpec, helpText, parseFlags, parsePositiveNumber } from "../lib/args.ts";
import { untilInterrupted } from "../lib/interrupt.ts";
import { reportError } from "../lib/report-error.ts";

const COMMAND = "capacity report";
const USAGE = "bellyfed-bench capacity report [--from SWEEP.json]... [--profile FILE] [options]";
const SUMMARY =
  "Projects a traffic profile onto Aurora PostgreSQL and DynamoDB from a capacity sweep's measured cost per operation: Aurora vCPUs, instance classes, ACUs, connections, storage and I/O; DynamoDB RCU/WCU per table and GSI, on-demand against provisioned, the hottest key against a partition; monthly cost from an editable price table; what breaks first. Every figure is labelled measured, derived or assumed. With several sweeps, --index-sets or --dynamo-variants sets them side by side.";

const FLAGS: FlagSpec = {
  from: {
    type: "string",
    multiple: true,
    value: "SWEEP.json",
    description:
      "A sweep's result file (capacity sweep --out); repeat it with --index-sets or --dynamo-variants, one per set or variant",
  },
  profile: {
    type: "string",
    value: "FILE",
    description:
      "Traffic profile, JSON or YAML (default capacity/profiles/default.yaml: 1M and 10M users)",
  },
  prices: {
    type: "string",
    value: "FILE",
    description: "Price table (default capacity/prices/us-east-1.json)",
  },
  "cpu-factor": {
    type: "string",
    value: "N",
    description:
      "Aurora vCPUs per local core of the sweep's CPU time (default 1: one core = one vCPU)",
  },
  "target-cpu": {
    type: "string",
    value: "F",
    description: "Aurora CPU utilisation to size for at peak, 0-1 (default 0.6)",
  },
  "dynamo-target": {
    type: "string",
    value: "F",
    description: "DynamoDB provisioned utilisation target, 0-1 (default 0.7)",
  },
  "cache-hit": {
    type: "string",
    value: "F",
    description: "Aurora buffer-cache hit ratio at the projected size, 0-1 (default 0.99)",
  },
  "index-sets": {
    type: "string",
    value: "A,B",
    description: "What-if: the sweeps taken under these index sets side by side (e.g. seed,tuned)",
  },
  "dynamo-variants": {
    type: "string",
    value: "A,B",
    description: "What-if: the sweeps taken under these DynamoDB variants side by side",
  },
  markdown: { type: "string", value: "FILE", description: "Write the report as Markdown" },
  html: {
    type: "string",
    value: "FILE",
    description: "Write the report as one self-contained HTML page",
  },
  out: { type: "string", value: "FILE", description: "Write the figures as JSON" },
  svg: {
    type: "string",
    value: "FILE",
    description: "Write the monthly cost against users chart as a standalone SVG",
  },
};

function names(flag: string, v: unknown): string[] | null {
  if (v === undefined) return null;
  const list = String(v)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length < 2)
    throw new UsageError(
      `--${flag} needs two or more names separated by commas, e.g. --${flag} ${flag === "index-sets" ? "seed,tuned" : "design,sharded"}`,
    );
  return list;
}

function ratio(flag: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  const n = parsePositiveNumber(flag, String(v));
  if (n > 1) throw new UsageError(`--${flag} ${v} is above 1; give a fraction, e.g. --${flag} 0.7`);
  return n;
}

/** Picks, for each name, the one sweep taken under it (`key` of the sweep), the others fixed. */
function pick(
  flag: string,
  list: string[],
  sweeps: { file: string; sweep: CapacitySweep }[],
  key: "indexSet" | "dynamoVariant",
): { label: string; file: string; sweep: CapacitySweep }[] {
  const other = key === "indexSet" ? "dynamoVariant" : "indexSet";
  return list.map((name) => {
    const found = sweeps.filter((s) => s.sweep[key] === name);
    const have = sweeps
      .map((s) => `${s.file} (${s.sweep.indexSet}/${s.sweep.dynamoVariant})`)
      .join(", ");
    if (found.length === 0)
      throw new UsageError(
        `--${flag} names ${name} but no --from sweep was taken under ${key === "indexSet" ? "index set" : "DynamoDB variant"} ${name} (given: ${have}); take one: ${key === "indexSet" ? `bellyfed-bench capacity sweep --index-set ${name} --out sweep-${name}.json` : `BELLYFED_DYNAMO_VARIANT=${name} bellyfed-bench capacity sweep --out sweep-${name}.json`}, then add --from sweep-${name}.json`,
      );
    const base = found.filter((s) => s.sweep[other] === sweeps[0].sweep[other]);
    if (base.length > 1)
      throw new UsageError(
        `--${flag}: ${base.map((s) => s.file).join(" and ")} were both taken under ${name}; give one --from per ${key === "indexSet" ? "index set" : "variant"}`,
      );
    const s = base[0] ?? found[0];
    return { label: name, ...s };
  });
}

/** A quick sweep now (no --from); Ctrl-C stops it and nothing is projected from a partial sweep. */
async function interruptibleQuickSweep(): Promise<{ file: string; sweep: CapacitySweep }> {
  const { value, interrupted } = await untilInterrupted((signal) =>
    quickSweep({ signal, onProgress: (l) => process.stderr.write(`${l}\n`) }),
  );
  if (interrupted)
    throw new UsageError(
      `capacity report: the quick sweep was interrupted (its partial result: ${value.file}); run again, or give a saved sweep with --from`,
    );
  return value;
}

/** `bellyfed-bench capacity report`: returns the exit code (2 with one line on bad input). */
export async function runCapacityReport(argv: string[]): Promise<number> {
  try {
    return await capacityReport(argv);
  } catch (e) {
    return reportError(e);
  }
}

async function capacityReport(argv: string[]): Promise<number> {
  const { values } = parseFlags(COMMAND, argv, FLAGS);
  if (values.help) {
    process.stdout.write(`${helpText(USAGE, SUMMARY, FLAGS)}\n`);
    return 0;
  }
  const a: Assumptions = {
    ...DEFAULT_ASSUMPTIONS,
    cpuFactor:
      values["cpu-factor"] === undefined
        ? DEFAULT_ASSUMPTIONS.cpuFactor
        : parsePositiveNumber("cpu-factor", String(values["cpu-factor"])),
    targetCpu: ratio("target-cpu", values["target-cpu"], DEFAULT_ASSUMPTIONS.targetCpu),
    dynamoTarget: ratio("dynamo-target", values["dynamo-target"], DEFAULT_ASSUMPTIONS.dynamoTarget),
    cacheHit:
      values["cache-hit"] === undefined
        ? DEFAULT_ASSUMPTIONS.cacheHit
        : ratio("cache-hit", values["cache-hit"], DEFAULT_ASSUMPTIONS.cacheHit),
  };
  const sets = names("index-sets", values["index-sets"]);
  const variants = names("dynamo-variants", values["dynamo-variants"]);
  const outputs = (["markdown", "html", "out", "svg"] as const).map((k) =>
    values[k] === undefined ? undefined : checkOutputPath(k, String(values[k])),
  );
  const profile = loadProfile(
    values.profile === undefined ? DEFAULT_PROFILE : String(values.profile),
  );
  const prices = loadPrices(values.prices === undefined ? DEFAULT_PRICES : String(values.prices));
  const files = (values.from as string[] | undefined) ?? [];
  if (files.length > 1 && !sets && !variants)
    throw new UsageError(
      `${files.length} --from files: say what they compare with --index-sets A,B or --dynamo-variants A,B, or give one`,
    );
  const sweeps =
    files.length > 0
      ? await Promise.all(files.map(async (file) => ({ file, sweep: await readSweep(file) })))
      : [await interruptibleQuickSweep()];
  const report = (s: { file: string; sweep: CapacitySweep }): CapacityReport =>
    buildReport({ sweep: s.sweep, sweepFile: s.file, profile, prices, assumptions: a });
  const whatIfs: WhatIf[] = [];
  let main = sweeps[0];
  if (sets) {
    const picked = pick("index-sets", sets, sweeps, "indexSet");
    main = picked[0];
    whatIfs.push(
      whatIf(
        "index sets",
        picked.map((p) => ({ label: p.label, report: report(p) })),
      ),
    );
  }
  if (variants) {
    const picked = pick("dynamo-variants", variants, sweeps, "dynamoVariant");
    if (!sets) main = picked[0];
    whatIfs.push(
      whatIf(
        "DynamoDB variants",
        picked.map((p) => ({ label: p.label, report: report(p) })),
      ),
    );
  }
  const r = report(main);
  process.stdout.write(renderCapacityTerminal(r, whatIfs));
  const [md, html, out, svg] = outputs;
  if (md) writeOutputFile(md, renderCapacityMarkdown(r, whatIfs));
  if (html) writeOutputFile(html, renderCapacityHtml(r, whatIfs));
  if (out) writeOutputFile(out, `${JSON.stringify({ ...r, whatIf: whatIfs }, null, 2)}\n`);
  if (svg) writeOutputFile(svg, costChartDocument(r));
  const written = [md, html, out, svg].filter(Boolean);
  if (written.length > 0) process.stdout.write(`\nwrote ${written.join(", ")}\n`);
  return 0;
}

import { UsageError } from "../../core/errors.ts";
import {
  DEFAULT_SCALE,
  DEFAULT_SEED,
  parseRowOverrides,
  SCALE_NAMES,
} from "../../generators/index.ts";
import type { LoadStatusReport, LoadSummary } from "../../load/index.ts";
import {
  DEFAULT_INDEX_SET,
  DYNAMO_TABLES,
  listIndexSets,
  loadIndexSet,
  TABLES_IN_LOAD_ORDER,
} from "../../schema/index.ts";
import type { Endpoints } from "../../stores/types.ts";
import type { Command } from "../command.ts";
import { type FlagSpec, helpText, parseFlags, parsePositiveInt } from "../lib/args.ts";

const LOAD_FLAGS: FlagSpec = {
  scale: {
    type: "string",
    description: `Scale preset: ${SCALE_NAMES.join(", ")}`,
    default: DEFAULT_SCALE,
  },
  seed: {
    type: "string",
    description: "Seed, a whole number 0..4294967295",
    default: String(DEFAULT_SEED),
  },
  rows: {
    type: "string",
    description: "Per-table row overrides, e.g. users=1000,follows=50000",
  },
  only: { type: "string", description: "Only one store: pg or dynamo" },
  "index-set": {
    type: "string",
    description: `Index set to build after the load (${listIndexSets().join(", ")}; default: the active set, or ${DEFAULT_INDEX_SET})`,
  },
  reload: {
    type: "boolean",
    description: "Load again even when the same scale and seed are already complete",
  },
  force: {
    type: "boolean",
    description:
      "Load into a database / DynamoDB prefix holding tables bellyfed-bench did not create",
  },
  lanes: {
    type: "string",
    description: "Parallel COPY lanes (generator thread + connection each)",
    default: "2",
  },
  json: { type: "boolean", description: "Print the summary as JSON on stdout" },
  quiet: { type: "boolean", short: "q", description: "No progress bars or log lines" },
};

const STATUS_FLAGS: FlagSpec = {
  only: { type: "string", description: "Only one store: pg or dynamo" },
  json: { type: "boolean", description: "Print the status as JSON" },
};

const LOAD_USAGE =
  "bellyfed-bench load [--scale S] [--seed N] [--rows t=n,...] [--only pg|dynamo] [--index-set NAME] [--lanes N] [--reload] [--force]\n       bellyfed-bench load status [--only pg|dynamo] [--json]";
const LOAD_SUMMARY = `Generate the deterministic data of a scale and seed and load it: PostgreSQL by streaming COPY (then the index set, validated foreign keys, VACUUM ANALYZE), then the DynamoDB read models built from it. Idempotent: the same scale and seed again is a no-op (--reload redoes it); another scale or seed replaces the data. An interrupted load leaves the stores marked incomplete and the next load redoes it. Only stores bellyfed-bench created are emptied.`;

function parseOnly(v: string | undefined): "pg" | "dynamo" | undefined {
  if (v === undefined || v === "pg" || v === "dynamo") return v;
  throw new UsageError(`--only '${v}' is not a store; write --only pg or --only dynamo`);
}

export interface LoadIo {
  out: (line: string) => void;
  /** progress and log lines (default: stderr) */
  err?: NodeJS.WriteStream | null;
  endpoints?: () => Promise<Endpoints>;
  signal?: AbortSignal;
}

function n(x: number): string {
  return x.toLocaleString("en-US");
}

function secs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "?" : `${(ms / 1000).toFixed(1)} s`;
}

function summaryLines(s: LoadSummary): string[] {
  const lines: string[] = [];
  const pgRows = Object.values(s.pg.rowCounts).reduce((a, b) => a + b, 0);
  if (s.pg.action !== "not-requested") {
    const what =
      s.pg.action === "loaded"
        ? `loaded ${n(pgRows)} rows in ${secs(s.pg.durationMs)}`
        : s.pg.action === "index-set"
          ? `already loaded; index set switched to ${s.indexSet}`
          : "already loaded, nothing to do (--reload loads it again)";
    lines.push(`PostgreSQL: ${s.scale} seed ${s.seed}, index set ${s.indexSet}: ${what}`);
    const r = s.pg.result;
    if (r) {
      const mb = Object.values(r.tables).reduce((a, t) => a + t.bytes, 0) / 1e6;
      const phases = Object.entries(r.phases)
        .map(([k, v]) => `${k} ${secs(v)}`)
        .join(", ");
      lines.push(
        `  COPY ${n(Math.round((pgRows * 1000) / Math.max(1, r.copyMs)))} rows/s, ${((mb * 1000) / Math.max(1, r.copyMs)).toFixed(1)} MB/s; ${phases}`,
      );
    }
  }
  if (s.dynamo.action !== "not-requested") {
    const items = Object.values(s.dynamo.itemCounts).reduce((a, b) => a + b, 0);
    lines.push(
      `DynamoDB: ${s.dynamo.action === "loaded" ? `loaded ${n(items)} items in ${secs(s.dynamo.durationMs)}` : "read models already loaded, nothing to do (--reload loads them again)"} (${Object.entries(
        s.dynamo.itemCounts,
      )
        .map(([t, c]) => `${t} ${n(c)}`)
        .join(", ")})`,
    );
    const cap = s.dynamo.capacity;
    if (cap) {
      lines.push(
        `  consumed write capacity ${n(Math.round(cap.total))} units: ${Object.entries(
          cap.byResource,
        )
          .map(([k, v]) => `${k} ${n(Math.round(v))}`)
          .join(", ")}; retries ${s.dynamo.retries ?? 0}, throttled ${s.dynamo.throttles ?? 0}`,
      );
    }
  }
  return lines;
}

/** `--seed -3` reads as a flag to parseArgs; join negative numbers to their flag so the range check names them. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (/^--(seed|lanes)$/.test(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

async function runLoad(argv: string[], io: LoadIo): Promise<number> {
  const { values } = parseFlags("load", joinNegativeValues(argv), LOAD_FLAGS);
  if (values.help === true) {
    io.out(helpText(LOAD_USAGE, LOAD_SUMMARY, LOAD_FLAGS));
    return 0;
  }
  const only = parseOnly(values.only as string | undefined);
  // PostgreSQL's flags do nothing when only DynamoDB is loaded
  for (const f of ["index-set", "lanes"])
    if (only === "dynamo" && values[f] !== undefined)
      throw new UsageError(
        `--${f} applies to the PostgreSQL load, which --only dynamo leaves out; drop one of them`,
      );
  const indexSet = values["index-set"] as string | undefined;
  if (indexSet !== undefined) loadIndexSet(indexSet);
  const lanes = parsePositiveInt("lanes", (values.lanes as string | undefined) ?? "2", 16);
  const rows = values.rows === undefined ? undefined : parseRowOverrides(values.rows as string);
  const { resolveRequest } = await import("../../load/request.ts");
  const scale = (values.scale as string | undefined) ?? DEFAULT_SCALE;
  const seed = (values.seed as string | undefined) ?? String(DEFAULT_SEED);
  resolveRequest({ scale, seed, rows }); // bad input: one line before any store is touched
  const quiet = values.quiet === true;
  const err = io.err === undefined ? process.stderr : io.err;
  const { load } = await import("../../load/index.ts");
  const endpoints = io.endpoints ? await io.endpoints() : undefined;
  const summary = await load({
    scale,
    seed,
    rows,
    only,
    indexSet,
    force: values.force === true,
    reload: values.reload === true,
    lanes,
    endpoints,
    progressOut: quiet ? null : err,
    log: quiet || !err ? undefined : (l) => err.write(`${l}\n`),
    signal: io.signal,
  });
  if (values.json === true) io.out(JSON.stringify(summary, null, 2));
  else for (const l of summaryLines(summary)) io.out(l);
  return 0;
}

/** Counts in the schema's order (`order`); names it does not know follow, alphabetically. */
export function inSchemaOrder(
  counts: Record<string, number>,
  order: readonly string[],
): Array<[string, number]> {
  const rank = (t: string) => {
    const i = order.indexOf(t);
    return i < 0 ? order.length : i;
  };
  return Object.entries(counts).sort(
    ([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

export function statusLines(r: LoadStatusReport, only: "pg" | "dynamo" | undefined): string[] {
  const lines: string[] = [];
  if (only !== "dynamo") {
    lines.push(`PostgreSQL: ${r.pg.description}`);
    const l = r.pg.load;
    if (!r.pg.marked) lines.push("  no bellyfed-bench marker: nothing loaded here");
    else if (!l) lines.push("  nothing loaded (schema only)");
    else if (l.status === "loading") {
      lines.push(
        `  INCOMPLETE: the load of ${l.scale} seed ${l.seed} started ${l.startedAt.toISOString()} did not finish${r.pg.loadRunning ? " (a load is running now)" : " (interrupted)"}; 'bellyfed-bench load --scale ${l.scale.split("+")[0]} --seed ${l.seed}' redoes it`,
      );
    } else {
      lines.push(
        `  ${l.scale} seed ${l.seed}: complete, loaded ${l.finishedAt?.toISOString() ?? "?"}, took ${secs(l.durationMs)}, index set ${r.pg.indexSet ?? "none"}`,
      );
      if (l.changed)
        lines.push(
          `  CHANGED since the load: ${l.changed.by} wrote at ${l.changed.at.toISOString()}; 'bellyfed-bench load --reload' restores the loaded data`,
        );
      const total = Object.values(l.rowCounts).reduce((a, b) => a + b, 0);
      lines.push(`  rows: ${n(total)} in ${Object.keys(l.rowCounts).length} tables`);
      const w = Math.max(...Object.keys(l.rowCounts).map((k) => k.length));
      for (const [t, c] of inSchemaOrder(l.rowCounts, TABLES_IN_LOAD_ORDER))
        lines.push(`    ${t.padEnd(w)}  ${n(c).padStart(13)}`);
    }
  }
  if (only !== "pg" && r.dynamo) {
    const d = r.dynamo;
    lines.push(`DynamoDB: ${d.description}${d.prefix ? ` (prefix ${d.prefix})` : ""}`);
    const s = d.state;
    if (!s) lines.push("  nothing loaded");
    else if (s.status === "loading") {
      lines.push(
        `  INCOMPLETE: the load of ${s.scale} seed ${s.seed} started ${s.startedAt} did not finish${r.pg.loadRunning ? " (a load is running now)" : ""}; 'bellyfed-bench load --scale ${s.scale.split("+")[0]} --seed ${s.seed} --only dynamo' redoes it`,
      );
    } else if (!d.tablesIntact) {
      lines.push(
        `  STALE: ${s.scale} seed ${s.seed} was loaded ${s.finishedAt}, but the tables were recreated or deleted since; the next load redoes it`,
      );
    } else {
      lines.push(
        `  ${s.scale} seed ${s.seed}: complete, loaded ${s.finishedAt}, took ${secs(s.durationMs)}`,
      );
      const w = Math.max(...Object.keys(s.itemCounts).map((k) => k.length));
      const order = DYNAMO_TABLES.map((d) => d.name);
      for (const [t, c] of inSchemaOrder(s.itemCounts, order))
        lines.push(`    ${t.padEnd(w)}  ${n(c).padStart(13)} items`);
    }
  }
  return lines;
}

async function runStatus(argv: string[], io: LoadIo): Promise<number> {
  const { values } = parseFlags("load status", argv, STATUS_FLAGS);
  if (values.help === true) {
    io.out(
      helpText(
        "bellyfed-bench load status [--only pg|dynamo] [--json]",
        "Show what is loaded: scale, seed, row and item counts, when, how long it took, and whether a load was interrupted.",
        STATUS_FLAGS,
      ),
    );
    return 0;
  }
  const only = parseOnly(values.only as string | undefined);
  const endpoints = io.endpoints
    ? await io.endpoints()
    : await (await import("../../stores/services.ts")).resolveEndpoints();
  const { loadStatus } = await import("../../load/index.ts");
  const report = await loadStatus(endpoints, only !== "pg");
  if (values.json === true) io.out(JSON.stringify(report, null, 2));
  else for (const l of statusLines(report, only)) io.out(l);
  return 0;
}

/** `bellyfed-bench load ...` with its stores and output injectable (tests). */
export async function runLoadCommand(argv: string[], io: LoadIo): Promise<number> {
  if (argv[0] === "status") return runStatus(argv.slice(1), io);
  if (argv[0] !== undefined && !argv[0].startsWith("-")) {
    throw new UsageError(
      `load: unexpected '${argv[0]}'; use 'bellyfed-bench load --scale S' or 'bellyfed-bench load status' (see --help)`,
    );
  }
  return runLoad(argv, io);
}

const command: Command = {
  name: "load",
  summary: "Generate deterministic data at a scale and load it into PostgreSQL and DynamoDB",
  async run(argv) {
    const ac = new AbortController();
    const onSignal = () => {
      process.stderr.write(
        "\ninterrupted: the stores stay marked incomplete; the next 'bellyfed-bench load' redoes the load\n",
      );
      ac.abort(new Error("load interrupted"));
      // a second Ctrl-C, or a load that does not stop within 10 s, ends the process
      setTimeout(() => process.exit(130), 10_000).unref();
      process.once("SIGINT", () => process.exit(130));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      return await runLoadCommand(argv, {
        out: (s) => process.stdout.write(`${s}\n`),
        signal: ac.signal,
      });
    } catch (e) {
      if (ac.signal.aborted) return 130;
      throw e;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};

export default command;

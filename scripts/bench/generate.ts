import { cpus } from "node:os";
import { UsageError } from "../../core/errors.ts";
import { num } from "../../core/format.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
// the faker-free entry: pools are built in a throwaway thread, so peak RSS is what a loader sees
import {
  Dataset,
  estimateSizes,
  formatBytes,
  GeneratorPool,
  loadPoolValues,
  resolveScale,
  SCALE_NAMES,
  TABLES,
  type TableName,
} from "../../generators/core.ts";
import { helpText, parseFlags, parsePositiveInt } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

const SPEC = {
  scale: {
    type: "string",
    description: "Scale preset (tiny, small, medium, large)",
    default: "small",
  },
  seed: { type: "string", description: "Seed (whole number)", default: "1" },
  workers: { type: "string", description: "Worker threads for the parallel pass", default: "2" },
  tables: { type: "string", description: "Comma-separated tables (default: all)" },
  limit: { type: "string", description: "Measure only the first N rows of each table" },
  "no-workers": { type: "boolean", description: "Skip the worker-thread pass" },
  sizes: {
    type: "boolean",
    description: "Print row counts and estimated sizes of every preset (Markdown), then exit",
  },
  out: { type: "string", description: "Write the figures as JSON to FILE" },
} as const;

interface Figure {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSec: number;
  mbPerSec: number;
}

interface TableFigures {
  table: TableName;
  totalRows: number;
  bytesPerRow: number;
  single: Figure;
  workers?: Figure;
}

function figure(rows: number, bytes: number, ns: bigint): Figure {
  const seconds = Number(ns) / 1e9;
  return {
    rows,
    bytes,
    seconds: round(seconds, 3),
    rowsPerSec: Math.round(rows / seconds),
    mbPerSec: round(bytes / 1048576 / seconds, 1),
  };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const peakRssMb = () => round(process.resourceUsage().maxRSS / 1024, 1);

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags("bench:generate", argv, SPEC);
  if (values.help) {
    process.stdout.write(
      `${helpText("npx tsx scripts/bench/generate.ts [options]", "Measures data generation speed (COPY text) per table.", SPEC)}\n`,
    );
    return 0;
  }
  // checked before the benchmark, so its figures are never lost to a bad path
  if (typeof values.out === "string") checkOutputPath("out", values.out);
  if (values.sizes) return printSizes(String(values.seed ?? "1"), values.out);
  const workers = parsePositiveInt("workers", String(values.workers ?? "2"), 64);
  const limit =
    values.limit === undefined ? undefined : parsePositiveInt("limit", String(values.limit));
  let tables: TableName[] = [...TABLES];
  if (typeof values.tables === "string") {
    tables = values.tables.split(",").map((t) => t.trim()) as TableName[];
    for (const t of tables) {
      if (!(TABLES as readonly string[]).includes(t)) {
        throw new UsageError(`--tables: unknown table '${t}'; use any of ${TABLES.join(", ")}`);
      }
    }
  }
  // validate everything before writing anything
  const config = resolveScale({
    scale: String(values.scale ?? "small"),
    seed: String(values.seed ?? "1"),
  });
  const t0 = process.hrtime.bigint();
  const pools = await loadPoolValues(config.seed);
  const ds = new Dataset(config, pools);
  const setupSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(
    `scale ${ds.config.scale}, seed ${ds.seed}, ${cpus().length} cores; pools + world built in ${setupSeconds.toFixed(2)} s (RSS ${peakRssMb()} MB)\n`,
  );
  const results: TableFigures[] = [];
  const head = `${"table".padEnd(22)} ${"rows".padStart(11)} ${"B/row".padStart(6)} ${"1 thread rows/s".padStart(16)} ${"MB/s".padStart(6)} ${`${workers} workers rows/s`.padStart(18)} ${"MB/s".padStart(6)}`;
  process.stdout.write(`${head}\n`);
  const pool = values["no-workers"] ? undefined : new GeneratorPool(ds.config, { workers, pools });
  await pool?.started();
  let sumRows = 0;
  let sumBytes = 0;
  let sumSingle = 0n;
  let sumPar = 0n;
  try {
    for (const t of tables) {
      const gen = ds.table(t);
      const total = gen.count();
      const n = limit === undefined ? total : Math.min(limit, total);
      let bytes = 0;
      const s0 = process.hrtime.bigint();
      gen.copy(0, n, (b) => {
        bytes += b.length;
      });
      const s1 = process.hrtime.bigint();
      const single = figure(n, bytes, s1 - s0);
      sumSingle += s1 - s0;
      const entry: TableFigures = {
        table: t,
        totalRows: total,
        bytesPerRow: n === 0 ? 0 : round(bytes / n, 1),
        single,
      };
      if (pool) {
        let pbytes = 0;
        const p0 = process.hrtime.bigint();
        for await (const b of pool.stream(t, { from: 0, to: n })) pbytes += b.length;
        const p1 = process.hrtime.bigint();
        if (pbytes !== bytes)
          throw new Error(`${t}: workers produced ${pbytes} bytes, one thread ${bytes}`);
        entry.workers = figure(n, pbytes, p1 - p0);
        sumPar += p1 - p0;
      }
      sumRows += n;
      sumBytes += bytes;
      results.push(entry);
      const w = entry.workers;
      process.stdout.write(
        `${t.padEnd(22)} ${num(n).padStart(11)} ${num(entry.bytesPerRow, 1).padStart(6)} ${num(single.rowsPerSec).padStart(16)} ${num(single.mbPerSec, 1).padStart(6)} ${(w ? num(w.rowsPerSec) : "-").padStart(18)} ${(w ? num(w.mbPerSec, 1) : "-").padStart(6)}\n`,
      );
    }
  } finally {
    await pool?.close();
  }
  const total = {
    rows: sumRows,
    bytes: sumBytes,
    single: figure(sumRows, sumBytes, sumSingle),
    workers: pool ? figure(sumRows, sumBytes, sumPar) : undefined,
  };
  process.stdout.write(
    `${"total".padEnd(22)} ${num(sumRows).padStart(11)} ${"".padStart(6)} ${num(total.single.rowsPerSec).padStart(16)} ${num(total.single.mbPerSec, 1).padStart(6)} ${(total.workers ? num(total.workers.rowsPerSec) : "-").padStart(18)} ${(total.workers ? num(total.workers.mbPerSec, 1) : "-").padStart(6)}\n`,
  );
  const peak = peakRssMb();
  process.stdout.write(`peak RSS ${peak} MB (whole process, workers included)\n`);
  if (typeof values.out === "string") {
    writeOutputFile(
      values.out,
      `${JSON.stringify(
        {
          benchmark: "generate",
          scale: ds.config.scale,
          seed: ds.seed,
          workers: pool ? workers : 0,
          limit: limit ?? null,
          cores: cpus().length,
          setupSeconds: round(setupSeconds, 3),
          tables: results,
          total,
          peakRssMb: peak,
        },
        null,
        2,
      )}\n`,
    );
  }
  return 0;
}

/** The README's scale table: rows per table per preset, rows per user, COPY and disk size. */
async function printSizes(seed: string, out: unknown): Promise<number> {
  const all: Record<string, ReturnType<typeof estimateSizes>> = {};
  const first = resolveScale({ seed });
  const pools = await loadPoolValues(first.seed);
  for (const scale of SCALE_NAMES) {
    all[scale] = estimateSizes(new Dataset(resolveScale({ scale, seed }), pools));
  }
  const lines = [
    `| table | ${SCALE_NAMES.join(" | ")} | per user | COPY B/row | disk B/row |`,
    `|---|${SCALE_NAMES.map(() => "---:").join("|")}|---:|---:|---:|`,
  ];
  const small = all.small;
  const users = small.find((r) => r.table === "users")!.rows;
  for (const [i, t] of TABLES.entries()) {
    const s = small[i];
    const counts = SCALE_NAMES.map((n) => all[n][i].rows.toLocaleString("en-US"));
    const ratio = t === "career_levels" || t === "badges" ? "fixed" : (s.rows / users).toFixed(2);
    lines.push(
      `| ${t} | ${counts.join(" | ")} | ${ratio} | ${Math.round(s.copyBytesPerRow)} | ${Math.round(s.diskBytes / Math.max(1, s.rows))} |`,
    );
  }
  const totalRows = SCALE_NAMES.map((n) =>
    all[n].reduce((a, r) => a + r.rows, 0).toLocaleString("en-US"),
  );
  lines.push(`| **rows** | ${totalRows.join(" | ")} | | | |`);
  const copy = SCALE_NAMES.map((n) =>
    formatBytes(all[n].reduce((a, r) => a + r.rows * r.copyBytesPerRow, 0)),
  );
  lines.push(`| **COPY text** | ${copy.join(" | ")} | | | |`);
  const disk = SCALE_NAMES.map((n) => formatBytes(all[n].reduce((a, r) => a + r.diskBytes, 0)));
  lines.push(`| **disk (est.)** | ${disk.join(" | ")} | | | |`);
  process.stdout.write(`${lines.join("\n")}\n`);
  if (typeof out === "string")
    writeOutputFile(out, `${JSON.stringify({ seed, sizes: all }, null, 2)}\n`);
  return 0;
}

runMain(main);

/**
 * The index probes' A/B (`npm run bench:probes-ab`): each probe of
 * `run index-probes` with the design's index it exercises and without it
 * (the index dropped, then restored by re-applying the set), the index's
 * size and the insert rate of its table with and without it, then `nearby`
 * on the geo fix (index set `geo`: a GiST on point(longitude, latitude)
 * instead of the btree on (latitude, longitude)). Prints a Markdown table with
 * the verdict of the rule in tuning/probe-ab.ts; leaves the `seed` set active.
 *
 *   npm run bench:probes-ab [-- --scale small --duration 10s --vus 4 --markdown FILE --out FILE]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { applyIndexSet } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import {
  PROBE_INDEXES,
  PROBE_TOLERANCE,
  type ProbeFigures,
  probeVerdict,
} from "../../tuning/probe-ab.ts";
import { measureInsertRate } from "../../tuning/write-cost.ts";
import { main } from "../cli.ts";
import { helpText, parseDuration, parseFlags, parsePositiveInt } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

const spec = {
  scale: { type: "string" as const, description: "data scale", default: "small" },
  duration: {
    type: "string" as const,
    description: "measured time per probe and variant",
    default: "10s",
  },
  vus: { type: "string" as const, description: "virtual users (closed model)", default: "4" },
  "insert-rows": {
    type: "string" as const,
    description: "rows per insert-rate probe (copied and rolled back)",
    default: "2000",
  },
  markdown: { type: "string" as const, description: "also write the table to FILE" },
  out: { type: "string" as const, description: "write the figures as JSON to FILE" },
};

interface Row {
  probe: string;
  variant: string;
  index: string;
  figures: ProbeFigures;
  insertRowsPerSecond: number | null;
  indexBytes: number;
  verdict?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

runMain(async (argv) => {
  const { values } = parseFlags("bench:probes-ab", argv, spec);
  if (values.help) {
    process.stdout.write(
      `${helpText("npm run bench:probes-ab [-- options]", "Each index probe with its index and without it, and nearby on the geo fix: latency, throughput, insert cost, size, and the keep/drop verdict.", spec)}\n`,
    );
    return 0;
  }
  const scale = String(values.scale ?? "small");
  const duration = String(values.duration ?? "10s");
  parseDuration("duration", duration);
  const vus = parsePositiveInt("vus", String(values.vus ?? "4"), 1000);
  const insertRows = parsePositiveInt("insert-rows", String(values["insert-rows"] ?? "2000"), 1e6);
  const dir = mkdtempSync(join(tmpdir(), "bellyfed-probes-ab-"));
  const targets = join(dir, "targets.json");
  // the A/B measures; the probes' targets are run's and bench:ci's business
  writeFileSync(targets, JSON.stringify({ defaults: { errors: ["rate<0.01"] } }));
  let runs = 0;
  const run = async (probe: string, set: string): Promise<ProbeFigures | 2> => {
    const out = join(dir, `run-${++runs}.json`);
    const code = await main([
      "run",
      probe,
      "--scale",
      scale,
      "--index-set",
      set,
      "--vus",
      String(vus),
      "--duration",
      duration,
      "--warmup",
      "2s",
      "--targets",
      targets,
      "--quiet",
      "--out",
      out,
    ]);
    if (code === 2) return 2;
    const s = (
      JSON.parse(readFileSync(out, "utf8")) as {
        scenarios: Array<{ throughput: number; latency: { p50: number; p95: number } }>;
      }
    ).scenarios[0];
    return { p50: s.latency.p50, p95: s.latency.p95, throughput: s.throughput };
  };

  const rows: Row[] = [];
  let client: pg.Client | undefined;
  try {
    // the first run loads the data (and the seed set) when they are not there yet
    const first = await run(PROBE_INDEXES[0].probe, "seed");
    if (first === 2) return 2;
    client = new pg.Client(pgClientConfig((await resolveEndpoints()).pg));
    await client.connect();
    const c = client;
    const insertRate = async (table: string) => {
      const r: number[] = [];
      for (let i = 0; i < 3; i++) {
        const m = await measureInsertRate(c, table, insertRows);
        if (!m) return null;
        r.push(m.rowsPerSecond);
      }
      // the copies were rolled back, but they left dead rows and grown indexes: rewrite both
      await c.query(`VACUUM FULL ${table}`);
      await c.query(`ANALYZE ${table}`);
      return median(r);
    };
    const size = async (index: string) =>
      Number(
        (await c.query("SELECT pg_relation_size(to_regclass($1)) AS b", [index])).rows[0]?.b ?? 0,
      );

    for (const [i, p] of PROBE_INDEXES.entries()) {
      const bytes = await size(p.index);
      const withIx = i === 0 ? first : await run(p.probe, "seed");
      if (withIx === 2) return 2;
      const insertWith = await insertRate(p.table);
      await c.query(`DROP INDEX ${p.index}`);
      try {
        const withoutIx = await run(p.probe, "seed");
        if (withoutIx === 2) return 2;
        const insertWithout = await insertRate(p.table);
        const slowdown =
          insertWith !== null && insertWithout !== null && insertWithout > 0
            ? (insertWithout - insertWith) / insertWithout
            : null;
        const v = probeVerdict(withIx, withoutIx, { insertSlowdown: slowdown, bytes });
        rows.push({
          probe: p.probe,
          variant: `with ${p.index}`,
          index: p.index,
          figures: withIx,
          insertRowsPerSecond: insertWith,
          indexBytes: bytes,
          verdict: v.reason,
        });
        rows.push({
          probe: p.probe,
          variant: "without it",
          index: p.index,
          figures: withoutIx,
          insertRowsPerSecond: insertWithout,
          indexBytes: 0,
        });
      } finally {
        await applyIndexSet(c, "seed"); // recreates the dropped index
      }
    }

    // the geo fix: nearby on the GiST (set geo) against the design's btree (first row of nearby)
    const btree = rows.find((r) => r.probe === "nearby" && r.variant.startsWith("with"))!;
    await applyIndexSet(c, "geo");
    try {
      await c.query("ANALYZE restaurants");
      const bytes = await size("idx_restaurants_geo_gist");
      const gist = await run("nearby", "geo");
      if (gist === 2) return 2;
      const insertGist = await insertRate("restaurants");
      const slowdown =
        insertGist !== null && btree.insertRowsPerSecond
          ? (btree.insertRowsPerSecond - insertGist) / btree.insertRowsPerSecond
          : null;
      const v = probeVerdict(gist, btree.figures, { insertSlowdown: slowdown, bytes });
      rows.push({
        probe: "nearby",
        variant: "geo fix: idx_restaurants_geo_gist instead",
        index: "idx_restaurants_geo_gist",
        figures: gist,
        insertRowsPerSecond: insertGist,
        indexBytes: bytes,
        verdict: `against the btree: ${v.reason.replace("keep:", "adopt:").replace("drop:", "keep the btree:")}`,
      });
    } finally {
      await applyIndexSet(c, "seed");
    }
  } finally {
    await client?.end();
    rmSync(dir, { recursive: true, force: true });
  }

  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const lines = [
    `| probe | variant | p50 ms | p95 ms | ops/s | insert rows/s (table) | index size | verdict (${PROBE_TOLERANCE * 100}% rule) |`,
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      [
        r.probe,
        r.variant,
        f(r.figures.p50),
        f(r.figures.p95),
        Math.round(r.figures.throughput).toLocaleString("en-US"),
        r.insertRowsPerSecond === null
          ? "-"
          : Math.round(r.insertRowsPerSecond).toLocaleString("en-US"),
        r.indexBytes ? `${Math.round(r.indexBytes / 1024)} kB` : "-",
        r.verdict ?? "",
      ].join(" | "),
    ),
  ].map((l) => (l.startsWith("|") ? l : `| ${l} |`));
  const md = `${lines.join("\n")}\n`;
  process.stdout.write(md);
  if (values.markdown) writeFileSync(String(values.markdown), md);
  if (values.out)
    writeFileSync(
      String(values.out),
      `${JSON.stringify({ scale, duration, vus, rows }, null, 2)}\n`,
    );
  return 0;
});

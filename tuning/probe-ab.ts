/**
 * The index probes' A/B (issue 14): each probe with the index it exists for
 * and without it, plus `nearby` on the geo fix (index set `geo`). The rule
 * for the proposal: keep an index when its probe's p95 or throughput improves
 * by more than the gate's tolerance (10%); otherwise drop it, and say what it
 * cost (insert rate on its table, size).
 */
import type pg from "pg";
import { applyIndexSet, loadIndexSet } from "../schema/index.ts";
import type { Endpoints } from "../stores/types.ts";
import { benchPattern } from "./bench.ts";
import { postgresPatterns } from "./patterns.ts";
import { measureInsertRate } from "./write-cost.ts";

/** The gate's default tolerance (gate/verdict.ts). */
export const PROBE_TOLERANCE = 0.1;

/** Each probe and the design's index it exercises. */
export const PROBE_INDEXES = [
  { probe: "dishes-by-tag", index: "idx_dishes_tags", table: "dishes" },
  { probe: "dishes-by-type", index: "idx_dishes_type", table: "dishes" },
  { probe: "nearby", index: "idx_restaurants_geo", table: "restaurants" },
  { probe: "users-by-level", index: "idx_users_career_level", table: "users" },
  { probe: "user-by-username", index: "idx_users_username", table: "users" },
] as const;

/** One run's figures. */
export interface ProbeFigures {
  p50: number;
  p95: number;
  throughput: number;
}

export interface ProbeVerdict {
  keep: boolean;
  /** relative p95 improvement with the index: (without - with) / without */
  p95Gain: number;
  /** relative throughput improvement with the index: (with - without) / without */
  throughputGain: number;
  reason: string;
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(0)}%`;

/**
 * Keep when the index improves p95 or throughput by more than `tolerance`;
 * otherwise drop, naming what the index costs.
 */
export function probeVerdict(
  withIx: ProbeFigures,
  withoutIx: ProbeFigures,
  cost: { insertSlowdown: number | null; bytes: number },
  tolerance = PROBE_TOLERANCE,
): ProbeVerdict {
  const p95Gain = withoutIx.p95 > 0 ? (withoutIx.p95 - withIx.p95) / withoutIx.p95 : 0;
  const throughputGain =
    withoutIx.throughput > 0
      ? (withIx.throughput - withoutIx.throughput) / withoutIx.throughput
      : 0;
  const keep = p95Gain > tolerance || throughputGain > tolerance;
  const gains = `p95 ${pct(p95Gain)}, throughput ${pct(throughputGain)}`;
  const costText = `${Math.round(cost.bytes / 1024)} kB${
    cost.insertSlowdown === null ? "" : `, inserts ${pct(-cost.insertSlowdown)} rows/s`
  }`;
  return {
    keep,
    p95Gain,
    throughputGain,
    reason: keep
      ? `keep: with the index ${gains} (more than ${tolerance * 100}%); it costs ${costText}`
      : `drop: with the index only ${gains} (not more than ${tolerance * 100}%); it costs ${costText}`,
  };
}

/** One measured variant of a probe (the rows of the A/B table). */
export interface ProbeAbRow {
  probe: string;
  /** `with <index>`, `without it`, or `geo fix: <gist> instead` */
  variant: string;
  index: string;
  figures: ProbeFigures;
  insertRowsPerSecond: number | null;
  indexBytes: number;
  verdict?: string;
}

/** A probe's verdict on the index it exercises. */
export interface ProbeIndexVerdict {
  probe: string;
  index: string;
  table: string;
  verdict: ProbeVerdict;
}

/** The geo fix against the design's btree: adopt the GiST when it wins by the rule. */
export interface GeoVerdict {
  index: string;
  /** the index it replaces */
  replaces: string;
  table: string;
  /** its CREATE INDEX statement, as the geo set writes it */
  sql: string;
  /** keep = adopt the GiST instead of the btree */
  verdict: ProbeVerdict;
}

export interface ProbeAbResult {
  set: string;
  durationMs: number;
  vus: number;
  insertRows: number;
  rows: ProbeAbRow[];
  verdicts: ProbeIndexVerdict[];
  geo: GeoVerdict | null;
  /** probes not measured, and why */
  skipped: string[];
}

export interface ProbeAbOptions {
  /** the index set the probes run on (active; restored at the end) */
  set: string;
  durationMs: number;
  warmupMs: number;
  vus: number;
  /** rows per insert-rate probe (copied and rolled back) */
  insertRows: number;
  data: { scale: string; seed: number };
  onStep?: (line: string) => void;
}

/** The geo set's GiST and the btree it replaces (schema/index-sets/geo.sql). */
export const GEO_FIX = {
  set: "geo",
  index: "idx_restaurants_geo_gist",
  replaces: "idx_restaurants_geo",
  table: "restaurants",
} as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Each probe with the index it exercises and without it (the index dropped,
 * then restored by re-applying the set), the index's size and the insert rate
 * of its table with and without it, then `nearby` on the geo fix: the set with
 * the btree idx_restaurants_geo replaced by the geo set's GiST. Probes whose
 * index the set does not hold are skipped (named in `skipped`). The set is
 * active again at the end. Shared by `tune --ab` and `npm run bench:probes-ab`.
 */
export async function runProbeAb(
  pool: pg.Pool,
  endpoints: Endpoints,
  opts: ProbeAbOptions,
): Promise<ProbeAbResult> {
  const say = opts.onStep ?? (() => {});
  const set = loadIndexSet(opts.set);
  const sources = new Map(
    (await postgresPatterns(PROBE_INDEXES.map((p) => p.probe))).map((s) => [s.name, s]),
  );
  const result: ProbeAbResult = {
    set: set.name,
    durationMs: opts.durationMs,
    vus: opts.vus,
    insertRows: opts.insertRows,
    rows: [],
    verdicts: [],
    geo: null,
    skipped: [],
  };
  const run = async (probe: string, label: string): Promise<ProbeFigures> => {
    say(`probe A/B: ${probe} ${label} for ${opts.durationMs / 1000}s`);
    const r = await benchPattern(sources.get(probe)!, endpoints, {
      durationMs: opts.durationMs,
      warmupMs: opts.warmupMs,
      vus: opts.vus,
      data: opts.data,
    });
    return { p50: r.latency.p50, p95: r.latency.p95, throughput: r.throughput };
  };
  const c = await pool.connect();
  const insertRate = async (table: string) => {
    const r: number[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await measureInsertRate(c, table, opts.insertRows);
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
  try {
    for (const p of PROBE_INDEXES) {
      if (!sources.has(p.probe)) {
        result.skipped.push(`${p.probe}: not a registered PostgreSQL scenario`);
        continue;
      }
      if (!set.indexes.some((i) => i.name === p.index)) {
        result.skipped.push(`${p.probe}: index set ${set.name} has no ${p.index}`);
        continue;
      }
      const bytes = await size(p.index);
      const withIx = await run(p.probe, `with ${p.index}`);
      const insertWith = await insertRate(p.table);
      await c.query(`DROP INDEX ${p.index}`);
      try {
        await c.query(`ANALYZE ${p.table}`);
        const withoutIx = await run(p.probe, "without it");
        const insertWithout = await insertRate(p.table);
        const slowdown =
          insertWith !== null && insertWithout !== null && insertWithout > 0
            ? (insertWithout - insertWith) / insertWithout
            : null;
        const v = probeVerdict(withIx, withoutIx, { insertSlowdown: slowdown, bytes });
        result.verdicts.push({ probe: p.probe, index: p.index, table: p.table, verdict: v });
        result.rows.push(
          {
            probe: p.probe,
            variant: `with ${p.index}`,
            index: p.index,
            figures: withIx,
            insertRowsPerSecond: insertWith,
            indexBytes: bytes,
            verdict: v.reason,
          },
          {
            probe: p.probe,
            variant: "without it",
            index: p.index,
            figures: withoutIx,
            insertRowsPerSecond: insertWithout,
            indexBytes: 0,
          },
        );
      } finally {
        await applyIndexSet(c, set); // recreates the dropped index
      }
    }

    // the geo fix: nearby on the GiST against the set's btree (the first row of nearby)
    const btree = result.rows.find(
      (r) => r.probe === "nearby" && r.variant === `with ${GEO_FIX.replaces}`,
    );
    const gistDef = loadIndexSet(GEO_FIX.set).indexes.find((i) => i.name === GEO_FIX.index);
    if (btree && gistDef && !set.indexes.some((i) => i.name === GEO_FIX.index)) {
      const geoSet = {
        ...set,
        indexes: [...set.indexes.filter((i) => i.name !== GEO_FIX.replaces), gistDef],
      };
      say(`probe A/B: nearby on the geo fix (${GEO_FIX.index} instead of ${GEO_FIX.replaces})`);
      await applyIndexSet(c, geoSet);
      try {
        await c.query(`ANALYZE ${GEO_FIX.table}`);
        const bytes = await size(GEO_FIX.index);
        const gist = await run("nearby", `with ${GEO_FIX.index}`);
        const insertGist = await insertRate(GEO_FIX.table);
        const slowdown =
          insertGist !== null && btree.insertRowsPerSecond
            ? (btree.insertRowsPerSecond - insertGist) / btree.insertRowsPerSecond
            : null;
        const v = probeVerdict(gist, btree.figures, { insertSlowdown: slowdown, bytes });
        const verdict = {
          ...v,
          reason: `against the btree: ${v.reason.replace("keep:", "adopt:").replace("drop:", "keep the btree:")}`,
        };
        result.geo = {
          index: GEO_FIX.index,
          replaces: GEO_FIX.replaces,
          table: GEO_FIX.table,
          sql: gistDef.sql,
          verdict,
        };
        result.rows.push({
          probe: "nearby",
          variant: `geo fix: ${GEO_FIX.index} instead`,
          index: GEO_FIX.index,
          figures: gist,
          insertRowsPerSecond: insertGist,
          indexBytes: bytes,
          verdict: verdict.reason,
        });
      } finally {
        await applyIndexSet(c, set);
      }
    } else if (!btree)
      result.skipped.push(`geo fix: nearby was not measured on ${GEO_FIX.replaces}`);
    else if (gistDef)
      result.skipped.push(`geo fix: index set ${set.name} already has ${GEO_FIX.index}`);
  } finally {
    c.release();
  }
  return result;
}

/** The A/B table as Markdown (bench:probes-ab's output). */
export function probeAbMarkdown(r: ProbeAbResult): string {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const lines = [
    `| probe | variant | p50 ms | p95 ms | ops/s | insert rows/s (table) | index size | verdict (${PROBE_TOLERANCE * 100}% rule) |`,
    "|---|---|---|---|---|---|---|---|",
    ...r.rows.map(
      (x) =>
        `| ${[
          x.probe,
          x.variant,
          f(x.figures.p50),
          f(x.figures.p95),
          Math.round(x.figures.throughput).toLocaleString("en-US"),
          x.insertRowsPerSecond === null
            ? "-"
            : Math.round(x.insertRowsPerSecond).toLocaleString("en-US"),
          x.indexBytes ? `${Math.round(x.indexBytes / 1024)} kB` : "-",
          x.verdict ?? "",
        ].join(" | ")} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

import pg from "pg";
import { UsageError } from "../core/errors.ts";
import { type IndexSet, loadIndexSet, parseIndexSet, readPgMarker } from "../schema/index.ts";
import { pgClientConfig, type Statement } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";
import { type AbResult, runAb } from "./ab.ts";
import { benchPattern } from "./bench.ts";
import { type Candidate, mergeCandidates } from "./candidates.ts";
import { type Catalog, readCatalog } from "./catalog.ts";
import { analyzeDynamoKeys, type DynamoKeyReport } from "./dynamo-keys.ts";
import { explainStatement, foldPlans, type StatementPlans } from "./explain.ts";
import { type Finding, sortFindings } from "./findings.ts";
import { connect, type PatternSource, postgresPatterns, sampleStatements } from "./patterns.ts";
import { PROBE_INDEXES, type ProbeAbResult, runProbeAb } from "./probe-ab.ts";
import { followProbeVerdicts, type ProposedSet, proposeSet, saveSet } from "./propose.ts";
import { catalogFindings } from "./rules/index.ts";
import { coordinateFindings, planFindings } from "./rules/plans.ts";
import { probeShareFindings, readValueShares, type ValueShare } from "./rules/probe-share.ts";
import { unusedFindings } from "./rules/unused.ts";
import {
  diffIndexUsage,
  diffStatements,
  type IndexUsage,
  matchStatement,
  type StatementDelta,
  settleStats,
  snapshotIndexUsage,
  snapshotStatements,
  statementsAvailable,
} from "./stats.ts";
import {
  evaluateCandidate,
  hypopgAvailable,
  type WhatIfProbe,
  type WhatIfResult,
} from "./whatif.ts";

/**
 * One tuning session: plans of every PostgreSQL access pattern on real
 * parameters, statement and index statistics around a short benchmark,
 * findings with fixes, what-if on candidate indexes, the proposed index set,
 * optionally an A/B benchmark of the sets, and the DynamoDB key spread.
 */

export interface TuneOptions {
  scenarios: string[];
  /** the set to tune (made active by ensureLoaded); default: the active set or seed */
  indexSet: string;
  /** the proposed set's name (schema/index-sets/<name>.sql) */
  proposedName: string;
  samples: number;
  usageDurationMs: number;
  ab: boolean;
  /**
   * The saved set (schema/index-sets/<name>.sql) the A/B measures against the
   * tuned set; without it, the A/B measures the proposal this session prints.
   */
  abSet?: string;
  abDurationMs: number;
  /** warm-up before each A/B step (default 1 s) */
  abWarmupMs?: number;
  /** with `ab`, the index probes' A/B first (default true) */
  probeAb?: boolean;
  vus: number;
  traffic: number;
  dynamo: boolean;
  whatIf: boolean;
  /** write the proposed set to schema/index-sets/<proposedName>.sql (before the A/B) */
  save: boolean;
  data: { scale: string; seed: number };
  onStep?: (line: string) => void;
}

export interface PatternReport {
  pattern: string;
  statements: Array<Omit<StatementPlans, "all"> & { stats: StatementDelta | null }>;
  /** idx_scan per index during this pattern's benchmark window (non-zero only) */
  indexScans: Array<{ index: string; table: string; scans: number }>;
  bench: { throughput: number; p50: number; p95: number; p99: number; ops: number } | null;
}

export interface TuneReport {
  format: "bellyfed-bench/tune";
  version: 1;
  generatedAt: string;
  server: { description: string; version: string };
  data: { scale: string; seed: number; indexSet: string };
  capabilities: { pgStatStatements: string; whatIf: string };
  catalog: Catalog;
  patterns: PatternReport[];
  indexUsage: { window: string; rows: IndexUsage[] };
  findings: Finding[];
  candidates: Candidate[];
  whatIf: WhatIfResult[];
  proposed: ProposedSet;
  /** the index probes' A/B (with --ab): each probe with its index and without it, and the geo fix */
  probeAb?: ProbeAbResult | null;
  ab: AbResult | null;
  dynamo: DynamoKeyReport | null;
  notes: string[];
}

async function ensureData(
  endpoints: Endpoints,
  data: { scale: string; seed: number },
  indexSet: string,
): Promise<void> {
  const mod = (await import("../load/index.ts")) as {
    ensureLoaded?: (o: {
      scale: string;
      seed: number;
      indexSet: string;
      endpoints: Endpoints;
      command: string;
    }) => Promise<unknown>;
  };
  if (!mod.ensureLoaded) throw new Error("generators/load/index.ts has no ensureLoaded");
  await mod.ensureLoaded({ ...data, indexSet, endpoints, command: "tune" });
}

export async function runTuning(endpoints: Endpoints, opts: TuneOptions): Promise<TuneReport> {
  const say = opts.onStep ?? (() => {});
  const notes: string[] = [];
  await ensureData(endpoints, opts.data, opts.indexSet);
  const pool = new pg.Pool({
    ...pgClientConfig(endpoints.pg),
    max: 2,
    application_name: "bellyfed-bench tune",
  });
  pool.on("error", () => {});
  const client = await connect(endpoints);
  try {
    const marker = await readPgMarker(client);
    if (marker?.load?.status !== "complete")
      throw new UsageError(
        `no complete data load in this database; run: bellyfed-bench load --scale ${opts.data.scale} --seed ${opts.data.seed}`,
      );
    const version = (await client.query("SHOW server_version")).rows[0].server_version as string;
    const catalog = await readCatalog(client);
    let patterns = await postgresPatterns(opts.scenarios);
    if (patterns.length === 0)
      throw new UsageError(
        `no PostgreSQL access pattern among ${opts.scenarios.join(", ") || "the registry"}; name scenarios that use PostgreSQL`,
      );

    // 1. plans on sampled real parameters
    const plans: StatementPlans[] = [];
    const skipped = new Set<string>();
    for (const p of patterns) {
      say(`plans: ${p.name}: ${opts.samples} samples`);
      let ops: Awaited<ReturnType<typeof sampleStatements>>;
      try {
        ops = await sampleStatements(p, endpoints, opts.data, opts.samples);
      } catch (e) {
        notes.push(`${p.name}: skipped, its setup failed (${(e as Error).message.split("\n")[0]})`);
        skipped.add(p.name);
        continue;
      }
      const byName = new Map<
        string,
        {
          statement: Statement;
          runs: Array<{ params: unknown[]; output: Awaited<ReturnType<typeof explainStatement>> }>;
        }
      >();
      for (const op of ops)
        for (const s of op) {
          const g = byName.get(s.statement.name) ?? { statement: s.statement, runs: [] };
          g.runs.push({
            params: s.params,
            output: await explainStatement(client, s.statement, s.params),
          });
          byName.set(s.statement.name, g);
        }
      for (const g of byName.values()) plans.push(foldPlans(p.name, g.statement, g.runs));
    }

    // 2. statement and index statistics around a short run of each pattern
    const pss = await statementsAvailable(client);
    if (!pss.ok) notes.push(pss.why!);
    const patternReports: PatternReport[] = [];
    patterns = patterns.filter((p) => !skipped.has(p.name));
    // the sampled plans' scans land in the views up to a second late: not in the first window
    await settleStats(client);
    const totalUsage = await snapshotIndexUsage(client);
    for (const p of patterns) {
      say(`usage: ${p.name} for ${opts.usageDurationMs / 1000}s`);
      const ixBefore = await snapshotIndexUsage(client);
      const stBefore = pss.ok ? await snapshotStatements(client) : new Map();
      let bench: PatternReport["bench"] = null;
      try {
        const r = await benchPattern(p, endpoints, {
          durationMs: opts.usageDurationMs,
          warmupMs: 500,
          vus: opts.vus,
          data: opts.data,
        });
        bench = {
          throughput: r.throughput,
          p50: r.latency.p50,
          p95: r.latency.p95,
          p99: r.latency.p99,
          ops: r.operations.ok,
        };
      } catch (e) {
        notes.push(`${p.name}: benchmark run failed (${(e as Error).message.split("\n")[0]})`);
      }
      await settleStats(client);
      const ixAfter = await snapshotIndexUsage(client);
      const deltas = pss.ok ? diffStatements(stBefore, await snapshotStatements(client)) : [];
      patternReports.push({
        pattern: p.name,
        statements: plans
          .filter((sp) => sp.pattern === p.name)
          .map(({ all: _all, ...rest }) => ({
            ...rest,
            stats: matchStatement(deltas, rest.text) ?? null,
          })),
        indexScans: diffIndexUsage(ixBefore, ixAfter)
          .filter((u) => u.idxScan > 0)
          .map((u) => ({ index: u.index, table: u.table, scans: u.idxScan })),
        bench,
      });
    }
    const usage = diffIndexUsage(totalUsage, await snapshotIndexUsage(client));
    const window = `a ${opts.usageDurationMs / 1000}s run of each of ${patterns.map((p) => p.name).join(", ")}`;

    // 3. findings
    const usedInPlans = new Set(plans.flatMap((p) => p.indexesUsed));
    const fromPlans = planFindings(plans, catalog);
    // the index probes' leading columns: which values match a large share of rows
    const shares = new Map<string, ValueShare[]>();
    for (const p of PROBE_INDEXES) {
      const column = catalog.indexes.find((i) => i.name === p.index)?.keys[0];
      if (column)
        shares.set(`${p.table}.${column}`, await readValueShares(client, p.table, column));
    }
    const findings = [
      ...catalogFindings(catalog),
      ...coordinateFindings(catalog),
      ...fromPlans.findings,
      ...probeShareFindings(plans, catalog, (t, c) => shares.get(`${t}.${c}`) ?? []),
      ...unusedFindings(
        catalog,
        usage,
        usedInPlans,
        window,
        skipped.size === 0 && opts.scenarios.length === 0,
      ),
    ];

    // 4. what-if on the candidates the plans asked for, in the set they would live in:
    //    with the indexes the findings drop from the tuned set dropped (rolled back after)
    const baseSet = loadIndexSet(opts.indexSet);
    const dropNames = new Set(
      findings
        .filter((f) => f.index && f.fix?.startsWith("DROP INDEX"))
        .map((f) => f.index!)
        .filter((n) => baseSet.indexes.some((i) => i.name === n)),
    );
    const dropsOn = (table: string) =>
      catalog.indexes.filter((i) => i.table === table && dropNames.has(i.name)).map((i) => i.name);
    const candidates = mergeCandidates(fromPlans.candidates);
    const whatIf: WhatIfResult[] = [];
    let whatIfMode = "not run (--no-what-if)";
    if (opts.whatIf && candidates.length > 0) {
      const hypo = await hypopgAvailable(client);
      whatIfMode = hypo.ok ? "hypopg (hypothetical indexes, nothing built)" : hypo.why;
      for (const c of candidates) {
        const probes: WhatIfProbe[] = plans
          .filter((sp) => c.patterns.includes(sp.pattern))
          .map((sp) => ({
            pattern: sp.pattern,
            statement: { name: sp.statement, text: sp.text },
            params: sp.params,
          }));
        say(`what-if: ${c.name} (${hypo.ok ? "hypopg" : "built for real"})`);
        whatIf.push(
          await evaluateCandidate(client, c, probes, hypo.ok ? "hypopg" : "real", dropsOn(c.table)),
        );
      }
    } else if (candidates.length === 0) whatIfMode = "no candidate index to evaluate";

    // 5. the proposed set
    const context = `measured on ${opts.data.scale} seed ${opts.data.seed}, PostgreSQL ${version}`;
    let proposed = proposeSet(
      opts.proposedName,
      baseSet,
      catalog,
      findings,
      whatIf,
      undefined,
      context,
    );
    // with --ab, the index probes' A/B first: the proposal follows its verdicts (issue 14)
    let probeAb: ProbeAbResult | null = null;
    if (opts.ab && opts.probeAb !== false) {
      probeAb = await runProbeAb(pool, endpoints, {
        set: opts.indexSet,
        durationMs: opts.abDurationMs,
        warmupMs: opts.abWarmupMs ?? 1000,
        vus: opts.vus,
        insertRows: 2000,
        data: opts.data,
        onStep: say,
      });
      for (const s of probeAb.skipped) notes.push(`probe A/B: skipped ${s}`);
      proposed = followProbeVerdicts(
        proposed,
        baseSet,
        probeAb.verdicts,
        probeAb.geo,
        undefined,
        context,
        catalog,
      );
    }
    if (opts.save) {
      saveSet(proposed);
      say(`saved the proposed set to ${proposed.file}`);
      proposed.missingFile = false;
      proposed.matchesFile = true;
    }

    // 6. A/B of the sets: the proposal printed, or the saved set named explicitly
    let ab: AbResult | null = null;
    const setB: IndexSet | undefined = !opts.ab
      ? undefined
      : opts.abSet !== undefined
        ? loadIndexSet(opts.abSet)
        : parseIndexSet(proposed.name, proposed.text, "this session's proposal");
    if (opts.abSet !== undefined && !proposed.matchesFile)
      notes.push(
        `the A/B measures ${proposed.file} as saved (--proposed ${opts.abSet}), which differs from this session's proposal`,
      );
    if (setB && opts.abSet === undefined && proposed.dropped.length + proposed.added.length === 0)
      notes.push(
        `A/B skipped: the proposal changes nothing in index set ${opts.indexSet}${proposed.missingFile ? "" : `; to measure the saved set instead: bellyfed-bench tune --ab --proposed ${proposed.name}`}`,
      );
    else if (setB)
      ab = await runAb(pool, endpoints, patterns, {
        a: opts.indexSet,
        b: setB,
        durationMs: opts.abDurationMs,
        warmupMs: opts.abWarmupMs ?? 1000,
        vus: opts.vus,
        insertRows: 5000,
        data: opts.data,
        restore: opts.indexSet,
        statements: pss.ok
          ? Object.fromEntries(
              patterns.map((p) => [
                p.name,
                plans.filter((sp) => sp.pattern === p.name).map((sp) => sp.text),
              ]),
            )
          : undefined,
        onStep: say,
      });
    if (ab && opts.abSet === undefined && !opts.save)
      notes.push(
        `the A/B measured the proposal printed above, not saved (--save-set writes it to schema/index-sets/${proposed.name}.sql)`,
      );

    // 7. DynamoDB keys
    let dynamo: DynamoKeyReport | null = null;
    if (opts.dynamo) {
      say("dynamodb: key spread");
      const { SCENARIOS } = (await import("../scenarios/index.ts")) as {
        SCENARIOS: Record<string, { module: URL; stores: string[]; writes?: boolean }>;
      };
      const picked = opts.scenarios.length > 0 ? opts.scenarios : Object.keys(SCENARIOS);
      dynamo = await analyzeDynamoKeys(endpoints, {
        traffic: opts.traffic,
        samples: Math.max(opts.samples * 20, 200),
        maxItems: 50_000,
        data: opts.data,
        scenarios: picked
          // the key spread runs operations for real: never a write (freshness writes follows)
          .filter((n) => SCENARIOS[n]?.stores.includes("dynamodb") && !SCENARIOS[n].writes)
          .map((n) => ({ name: n, url: SCENARIOS[n].module.href })),
      });
      findings.push(...dynamo.findings);
      notes.push(...dynamo.notes);
    }

    return {
      format: "bellyfed-bench/tune",
      version: 1,
      generatedAt: new Date().toISOString(),
      server: { description: endpoints.pg.description, version },
      data: { ...opts.data, indexSet: opts.indexSet },
      capabilities: {
        pgStatStatements: pss.ok ? "pg_stat_statements (snapshot diff)" : pss.why!,
        whatIf: whatIfMode,
      },
      catalog,
      patterns: patternReports,
      indexUsage: { window, rows: usage },
      findings: sortFindings(findings),
      candidates,
      whatIf,
      proposed,
      probeAb,
      ab,
      dynamo,
      notes,
    };
  } finally {
    await client.end().catch(() => {});
    await pool.end().catch(() => {});
  }
}

export type { PatternSource };

import { UsageError } from "../../core/errors.ts";
import { summarize } from "../../core/histogram.ts";
import { ensureLoaded } from "../../load/index.ts";
import { withClient } from "../../stores/postgres.ts";
import type { Endpoints } from "../../stores/types.ts";
import type { ProjectorStats } from "../../sync/projector.ts";

/**
 * The projector in-process around a benchmark (bench:writes, bench:mixed):
 * the data is loaded first (the slot follows a complete load), the projector
 * starts before the first write and, after the run, is given time to catch
 * up; then its figures are printed. Without logical decoding it says so in
 * one line and the benchmark runs without it.
 */

/** The projector's counts over a run (ProjectorStats' own fields), with its catch-up and lag. */
export type ProjectorFigures = Pick<
  ProjectorStats,
  | "source"
  | "changes"
  | "transactions"
  | "errors"
  | "stale"
  | "itemsPut"
  | "itemsDeleted"
  | "itemsUnchanged"
> & {
  caughtUp: boolean;
  catchUpMs: number;
  /** per change: DynamoDB acknowledgement minus commit time (ms) */
  lag: ReturnType<typeof summarize>;
};

function figures(
  s: ProjectorStats,
  base: ProjectorStats | null,
  caughtUp: boolean,
  ms: number,
): ProjectorFigures {
  const d = (k: "changes" | "transactions" | "errors" | "stale") => s[k] - (base?.[k] ?? 0);
  return {
    source: s.source,
    changes: d("changes"),
    transactions: d("transactions"),
    errors: d("errors"),
    stale: d("stale"),
    itemsPut: s.itemsPut,
    itemsDeleted: s.itemsDeleted,
    itemsUnchanged: s.itemsUnchanged,
    caughtUp,
    catchUpMs: Math.round(ms),
    lag: summarize(s.lag),
  };
}

export function formatFigures(f: ProjectorFigures): string {
  return [
    `sync (${f.source} projector, in-process): ${f.changes.toLocaleString("en-US")} changes in ${f.transactions.toLocaleString("en-US")} transactions applied; items ${f.itemsPut} put, ${f.itemsDeleted} deleted, ${f.itemsUnchanged} unchanged; ${f.stale} stale writes skipped, ${f.errors} errors`,
    `  lag (DynamoDB ack - commit, per change): p50 ${f.lag.p50} ms, p99 ${f.lag.p99} ms, p99.9 ${f.lag.p999} ms, max ${f.lag.max} ms`,
    `  ${f.caughtUp ? "caught up" : "NOT caught up"} ${(f.catchUpMs / 1000).toFixed(1)} s after the run ended`,
  ].join("\n");
}

/**
 * Runs `fn` with the projector running; returns fn's result and the
 * projector's figures (null when it could not run, said in one line).
 */
export async function withProjector<T>(
  opts: { scale: string; catchUpMs?: number; say?: (line: string) => void },
  fn: () => Promise<T>,
): Promise<{ result: T; figures: ProjectorFigures | null }> {
  const say = opts.say ?? ((l: string) => process.stderr.write(`${l}\n`));
  const { resolveEndpoints } = await import("../../stores/services.ts");
  const endpoints: Endpoints = await resolveEndpoints();
  await ensureLoaded({ scale: opts.scale, seed: 1, endpoints, command: "run" });
  const { chooseSource } = await import("../../sync/choose-source.ts");
  const { startProjector } = await import("../../sync/projector.ts");
  let source: Awaited<ReturnType<typeof chooseSource>>;
  try {
    source = await withClient(endpoints.pg, (c) => chooseSource(c, endpoints.pg, say));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    say(`sync: not running during this benchmark: ${e.message}`);
    return { result: await fn(), figures: null };
  }
  const projector = await startProjector({ endpoints, source });
  const base = { ...projector.stats() };
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    await projector.stop();
    throw e;
  }
  const t0 = performance.now();
  const caughtUp = await projector.waitCaughtUp(opts.catchUpMs ?? 120_000);
  const ms = performance.now() - t0;
  const s = await projector.stop();
  return { result, figures: figures(s, base, caughtUp, ms) };
}

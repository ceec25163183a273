import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Histogram } from "../../../core/histogram.ts";
import { Counts } from "../../../engine/counts.ts";

/**
 * pgbench's per-transaction log (`-l --log-prefix P`, one file per thread:
 * P.<pid> and P.<pid>.<thread>), each line
 * `client_id transaction_no time script_no time_epoch time_us [schedule_lag]`.
 * Under `-R`, `time` runs from the transaction's scheduled start to its end,
 * as the harness's latency does, and `schedule_lag` is the part before it
 * started; `time` reads `skipped` or `failed` for transactions that did not
 * complete.
 */
export interface PgbenchLog {
  /** latency of each measured transaction, microseconds, in an HdrHistogram (3 digits) */
  latency: Histogram;
  /** schedule lag (scheduled to actual start), microseconds; empty without -R */
  lag: Histogram;
  /** service time, latency minus schedule lag (actual start to end), microseconds; empty without -R */
  service: Histogram;
  /** transactions measured (after the warm-up), and those left out as warm-up */
  measured: number;
  warmup: number;
  /** lines whose time reads skipped or failed */
  notCompleted: number;
  /** end time of every completed transaction, epoch microseconds, warm-up included */
  endsUs: number[];
}

interface Line {
  endUs: number;
  scheduledUs: number;
  latencyUs: number;
  lagUs: number | null;
}

/**
 * Reads the log lines (of one or more files' text); a transaction scheduled in
 * the first `warmupMs` after the earliest scheduled start is warm-up and left out.
 */
export function readPgbenchLog(texts: string[], warmupMs = 0): PgbenchLog {
  const lines: Line[] = [];
  let notCompleted = 0;
  for (const text of texts)
    for (const raw of text.split("\n")) {
      const f = raw.trim().split(/\s+/);
      if (f.length < 6) continue;
      if (f[2] === "skipped" || f[2] === "failed") {
        notCompleted++;
        continue;
      }
      const latencyUs = Number(f[2]);
      const endUs = Number(f[4]) * 1e6 + Number(f[5]);
      if (!Number.isFinite(latencyUs) || !Number.isFinite(endUs))
        throw new Error(`not a pgbench log line: '${raw.slice(0, 80)}'`);
      lines.push({
        endUs,
        scheduledUs: endUs - latencyUs,
        latencyUs,
        lagUs: f.length > 6 ? Number(f[6]) : null,
      });
    }
  let startUs = Number.POSITIVE_INFINITY;
  for (const l of lines) if (l.scheduledUs < startUs) startUs = l.scheduledUs;
  const fromUs = startUs + warmupMs * 1000;
  const latency = new Counts(3);
  const lag = new Counts(3);
  const service = new Counts(3);
  let warmup = 0;
  for (const l of lines) {
    if (l.scheduledUs < fromUs) {
      warmup++;
      continue;
    }
    latency.record(l.latencyUs);
    if (l.lagUs !== null) {
      lag.record(l.lagUs);
      service.record(l.latencyUs - l.lagUs);
    }
  }
  return {
    latency: latency.toHistogram(),
    lag: lag.toHistogram(),
    service: service.toHistogram(),
    measured: latency.total,
    warmup,
    notCompleted,
    endsUs: lines.map((l) => l.endUs),
  };
}

/** The log files pgbench wrote for `--log-prefix prefix` (all its threads). */
export function pgbenchLogFiles(prefix: string): string[] {
  const dir = dirname(prefix);
  const base = `${basename(prefix)}.`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(base))
    .sort()
    .map((f) => join(dir, f));
}

export function readPgbenchLogFiles(prefix: string, warmupMs = 0): PgbenchLog {
  return readPgbenchLog(
    pgbenchLogFiles(prefix).map((f) => readFileSync(f, "utf8")),
    warmupMs,
  );
}

import { UsageError } from "../core/errors.ts";
import type { LoadFlags } from "./models/model.ts";

/**
 * The declarative options of a run (k6's `options` object): which
 * scenarios, what load, for how long, against what data, checked against
 * which thresholds. `bellyfed-bench run` builds it from flags; it is stored
 * in the result's `config`.
 */
export interface RunOptions {
  scenarios: string[];
  /** the load for every scenario; undefined: each scenario's default model */
  load: LoadFlags;
  warmupMs: number;
  /** measured window; Infinity when only `iterations` bounds the run */
  durationMs: number;
  /** measured iterations; Infinity for no bound */
  iterations: number;
  timeoutMs: number;
  workers: number | "auto";
  /** connections to each store, in total across worker threads */
  connections: number;
  data: { scale: string; seed: number; indexSet: string };
  /** `--threshold` flags: `[SCENARIO/][METRIC:]EXPRESSION` */
  thresholds: string[];
  targetsFile?: string;
  out?: string;
  quiet: boolean;
  /** `--mix`: a preset or NAME=WEIGHT,...; the scenarios run at the same time (engine/mix.ts) */
  mix?: string;
  /** `--isolation`: the write scenarios' isolation level flag (scenarios/lib/writes.ts) */
  isolation?: string;
  /** `--allow-writes`: write scenarios may run against a target marked production */
  allowWrites?: boolean;
}

export type { LoadFlags };

/** `--stages '10s:100,20s:500'` → stages (duration, then target rate per second). */
export function parseStages(text: string, parseDuration: (flag: string, t: string) => number) {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.every((p) => p === ""))
    throw new UsageError("--stages is empty; write it like --stages '10s:100,20s:500'");
  const empty = parts.indexOf("");
  if (empty >= 0)
    throw new UsageError(
      `--stages '${text}' has an empty stage (number ${empty + 1}); write each stage as DURATION:RATE, like --stages '10s:100,5s:50'`,
    );
  return parts.map((p) => {
    const m = /^([^:]+):\s*(\d+(?:\.\d+)?)$/.exec(p);
    if (!m)
      throw new UsageError(
        `--stages '${p}' is malformed; write each stage as DURATION:RATE, like 10s:100`,
      );
    return { durationMs: parseDuration("stages", m[1]), target: Number(m[2]) };
  });
}

import { UsageError } from "../../core/errors.ts";
import { millis, num } from "../../core/format.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import { loadResult } from "../../results/load.ts";
import { MergeMismatch, mergeRuns } from "../../results/merge.ts";
import type { Command } from "../command.ts";
import { type FlagSpec, helpText, parseFlags } from "../lib/args.ts";

const USAGE = "bellyfed-bench merge RESULT... --out FILE";
const SUMMARY =
  "Combines the results of several load generators of ONE run (same scenarios, scale, seed and index set) into one result that gate and the reports accept: histograms added, counts and throughput summed, per-second series aligned by wall-clock second, summaries recomputed, thresholds re-evaluated.";

const FLAGS: FlagSpec = {
  out: { type: "string", short: "o", description: "Where to write the merged result (required)" },
};

const merge: Command = {
  name: "merge",
  summary: "Combine the results of several load generators of one run into one result",
  async run(argv) {
    const { values, positionals } = parseFlags("merge", argv, FLAGS, true);
    if (values.help) {
      process.stdout.write(`${helpText(USAGE, SUMMARY, FLAGS)}\n`);
      return 0;
    }
    const out = values.out as string | undefined;
    if (!out)
      throw new UsageError(
        "merge: --out FILE is required; e.g. bellyfed-bench merge a.json b.json --out merged.json",
      );
    if (positionals.length < 2)
      throw new UsageError("merge: give at least two RESULT files (one per load generator)");
    const path = checkOutputPath("out", out);
    const runs = positionals.map(loadResult);
    let merged: ReturnType<typeof mergeRuns>;
    try {
      merged = mergeRuns(runs);
    } catch (e) {
      if (e instanceof MergeMismatch) throw new UsageError(e.message);
      throw e;
    }
    writeOutputFile(path, `${JSON.stringify(merged, null, 2)}\n`);
    const gens = merged.scenarios.reduce((a, s) => Math.max(a, s.generators), 0);
    process.stdout.write(
      `Merged ${runs.length} results (${gens} generators) into ${out}: ${merged.scenarios
        .map(
          (s) =>
            `${s.name} ${num(s.throughput)} ops/s p95 ${millis(s.latency.p95)} p99 ${millis(s.latency.p99)}${s.passed ? "" : " (targets failed)"}`,
        )
        .join("; ")}\n`,
    );
    return 0;
  },
};

export default merge;

/**
 * The CI profile (`npm run bench:ci`): small data, two short runs of every
 * access pattern and index probe (ci-profile.ts) (repeated runs give the gate
 * its confidence), then the gate against the loose CI targets and, when one
 * exists, a baseline; then a short mixed profile (the balanced mix at 100/s)
 * and the integrity check. Writes results/ci-junit.xml, results/ci-report.html,
 * results/ci-summary.md, results/ci-mixed.json and results/ci-check.json.
 *
 *   npm run bench:ci [-- --scale tiny] [-- --baseline FILE]
 */
import { existsSync, mkdirSync } from "node:fs";
import { main } from "../cli.ts";
import { helpText, parseFlags } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";
import { ciRunArgs } from "./ci-profile.ts";

const spec = {
  scale: { type: "string" as const, description: "data scale", default: "small" },
  duration: {
    type: "string" as const,
    description: "measured time per scenario and run",
    default: "5s",
  },
  runs: { type: "string" as const, description: "repeated runs", default: "2" },
  baseline: {
    type: "string" as const,
    description: "baseline result (default: $BENCH_BASELINE or results/baseline.json when present)",
  },
};

runMain(async (argv) => {
  const { values } = parseFlags("bench:ci", argv, spec);
  if (values.help) {
    process.stdout.write(
      `${helpText("npm run bench:ci [-- options]", "The CI profile: repeated short runs of every access pattern, then the gate (JUnit, HTML, Markdown in results/).", spec)}\n`,
    );
    return 0;
  }
  const scale = String(values.scale ?? "small");
  const duration = String(values.duration ?? "5s");
  const runs = Number(values.runs ?? 2);
  mkdirSync("results", { recursive: true });
  const outs: string[] = [];
  const t0 = Date.now();
  for (let i = 1; i <= runs; i++) {
    const out = `results/ci-run-${i}.json`;
    const code = await main(ciRunArgs({ scale, duration, out }));
    if (code === 2) return 2; // bad input; a failed target (1) still goes to the gate
    outs.push(out);
  }
  // an explicit baseline must exist (gate says so if not); the default one is used when present
  const fallback = process.env.BENCH_BASELINE ?? "results/baseline.json";
  const baseline = values.baseline
    ? String(values.baseline)
    : existsSync(fallback)
      ? fallback
      : undefined;
  const code = await main([
    "gate",
    ...outs,
    ...(baseline ? ["--baseline", baseline] : []),
    "--junit",
    "results/ci-junit.xml",
    "--html",
    "results/ci-report.html",
    "--markdown",
    "results/ci-summary.md",
  ]);
  // a short mixed profile (reads and writes at once, last: it changes the data), then the integrity check
  const mixed = await main([
    "run",
    "--mix",
    "balanced",
    "--rate",
    "100",
    "--scale",
    scale,
    "--duration",
    duration,
    // a mix's scenarios start together once every setup is done (engine/barrier.ts);
    // 3 s of warm-up fills the pools and caches before the measured window
    "--warmup",
    "3s",
    "--targets",
    "scenarios/targets.ci.json",
    "--quiet",
    "--out",
    "results/ci-mixed.json",
  ]);
  const check =
    mixed === 2 ? 2 : await main(["check", "--quiet", "--out", "results/ci-check.json"]);
  process.stderr.write(`bench:ci finished in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  return Math.max(code, mixed, check);
});

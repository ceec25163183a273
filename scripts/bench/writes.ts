/**
 * `npm run bench:writes`: every write scenario at its default rate (one after
 * the other), then `bellyfed-bench check` on the data they wrote, with the
 * sync's projector running in-process (its figures after the run). Writes
 * results/writes.json, results/writes-sync.json and results/writes-check.json;
 * exit 1 when a target or an invariant fails.
 *
 *   npm run bench:writes [-- --duration 30s] [-- --isolation read-committed]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { WRITE_SCENARIOS } from "../../scenarios/index.ts";
import { main } from "../cli.ts";
import { helpText, parseFlags } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";
import { formatFigures, withProjector } from "../lib/projector.ts";

const spec = {
  scale: { type: "string" as const, description: "data scale", default: "small" },
  duration: { type: "string" as const, description: "measured time per scenario", default: "20s" },
  isolation: {
    type: "string" as const,
    description: "read-committed, repeatable-read or serializable",
    default: "serializable",
  },
};

runMain(async (argv) => {
  const { values } = parseFlags("bench:writes", argv, spec);
  if (values.help) {
    process.stdout.write(
      `${helpText("npm run bench:writes [-- options]", "Every write scenario at its default rate, then the integrity check (results/writes.json, results/writes-check.json).", spec)}\n`,
    );
    return 0;
  }
  mkdirSync("results", { recursive: true });
  // the sync's projector runs in-process through the writes (its figures follow the run's)
  const { result: code, figures } = await withProjector(
    { scale: String(values.scale ?? "small") },
    () =>
      main([
        "run",
        ...WRITE_SCENARIOS,
        "--scale",
        String(values.scale ?? "small"),
        "--duration",
        String(values.duration ?? "20s"),
        "--warmup",
        "2s",
        "--isolation",
        String(values.isolation ?? "serializable"),
        "--out",
        "results/writes.json",
      ]),
  );
  if (figures) {
    process.stdout.write(`${formatFigures(figures)}\n`);
    writeFileSync("results/writes-sync.json", `${JSON.stringify(figures, null, 2)}\n`);
  }
  if (code === 2 || code === 130) return code;
  const check = await main(["check", "--quiet", "--out", "results/writes-check.json"]);
  return Math.max(code, check);
});

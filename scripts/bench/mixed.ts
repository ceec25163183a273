/**
 * `npm run bench:mixed`: the two mix presets, `read-heavy` (95% reads) and
 * `balanced` (50/50), each scenario at its weight's share of the total rate,
 * then `bellyfed-bench check`. Writes results/mixed-read-heavy.json,
 * results/mixed-balanced.json and results/mixed-check.json; exit 1 when a
 * target or an invariant fails.
 *
 *   npm run bench:mixed [-- --rate 200] [-- --duration 30s]
 */
import { mkdirSync } from "node:fs";
import { MIX_PRESETS } from "../../engine/mix.ts";
import { main } from "../cli.ts";
import { helpText, parseFlags } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

const spec = {
  scale: { type: "string" as const, description: "data scale", default: "small" },
  duration: { type: "string" as const, description: "measured time per preset", default: "20s" },
  rate: { type: "string" as const, description: "total operations per second", default: "200" },
  isolation: {
    type: "string" as const,
    description: "read-committed, repeatable-read or serializable",
    default: "serializable",
  },
};

runMain(async (argv) => {
  const { values } = parseFlags("bench:mixed", argv, spec);
  if (values.help) {
    process.stdout.write(
      `${helpText("npm run bench:mixed [-- options]", "The read-heavy and balanced mixes, then the integrity check (results/mixed-*.json).", spec)}\n`,
    );
    return 0;
  }
  mkdirSync("results", { recursive: true });
  let worst = 0;
  for (const preset of Object.keys(MIX_PRESETS)) {
    const code = await main([
      "run",
      "--mix",
      preset,
      "--rate",
      String(values.rate ?? "200"),
      "--scale",
      String(values.scale ?? "small"),
      "--duration",
      String(values.duration ?? "20s"),
      // the scenarios of a mix start together once every setup is done (engine/barrier.ts);
      // the warm-up fills the pools and caches before the measured window
      "--warmup",
      "5s",
      "--isolation",
      String(values.isolation ?? "serializable"),
      "--out",
      `results/mixed-${preset}.json`,
    ]);
    if (code === 2 || code === 130) return code;
    worst = Math.max(worst, code);
  }
  const check = await main(["check", "--quiet", "--out", "results/mixed-check.json"]);
  return Math.max(worst, check);
});

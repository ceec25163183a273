/**
 * The index probes' A/B (`npm run bench:probes-ab`): each probe of
 * `run index-probes` with the design's index it exercises and without it
 * (the index dropped, then restored by re-applying the set), the index's
 * size and the insert rate of its table with and without it, then `nearby`
 * on the geo fix (index set `geo`: a GiST on point(longitude, latitude)
 * instead of the btree on (latitude, longitude)). Prints a Markdown table with
 * the verdict of the rule in tuning/probe-ab.ts (runProbeAb there, which
 * `tune --ab` runs too); leaves the `seed` set active.
 *
 *   npm run bench:probes-ab [-- --scale small --duration 10s --warmup 2s --vus 4 --markdown FILE --out FILE]
 */
import { writeFileSync } from "node:fs";
import pg from "pg";
import { UsageError } from "../../core/errors.ts";
import { ensureLoaded } from "../../load/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import { probeAbMarkdown, runProbeAb } from "../../tuning/probe-ab.ts";
import { helpText, parseDuration, parseFlags, parsePositiveInt } from "../lib/args.ts";
import { runMain } from "../lib/main.ts";

const spec = {
  scale: { type: "string" as const, description: "data scale", default: "small" },
  duration: {
    type: "string" as const,
    description: "measured time per probe and variant",
    default: "10s",
  },
  warmup: {
    type: "string" as const,
    description: "warm-up before each probe and variant",
    default: "2s",
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
  const durationMs = parseDuration("duration", duration);
  const warmupMs = parseDuration("warmup", String(values.warmup ?? "2s"));
  const vus = parsePositiveInt("vus", String(values.vus ?? "4"), 1000);
  const insertRows = parsePositiveInt("insert-rows", String(values["insert-rows"] ?? "2000"), 1e6);
  const { SCALE_NAMES } = await import("../../generators/index.ts");
  if (!SCALE_NAMES.includes(scale))
    throw new UsageError(`--scale '${scale}' is unknown; use one of ${SCALE_NAMES.join(", ")}`);
  const endpoints = await resolveEndpoints();
  const data = { scale, seed: 1 };
  // loads the data and the seed set when they are not there yet
  await ensureLoaded({ ...data, indexSet: "seed", endpoints });
  const pool = new pg.Pool({
    ...pgClientConfig(endpoints.pg),
    max: 2,
    application_name: "bellyfed-bench probes-ab",
  });
  pool.on("error", () => {});
  let result: Awaited<ReturnType<typeof runProbeAb>>;
  try {
    result = await runProbeAb(pool, endpoints, {
      set: "seed",
      durationMs,
      warmupMs,
      vus,
      insertRows,
      data,
      onStep: (l) => process.stderr.write(`bench:probes-ab: ${l}\n`),
    });
  } finally {
    await pool.end().catch(() => {});
  }
  const md = probeAbMarkdown(result);
  process.stdout.write(md);
  for (const s of result.skipped) process.stderr.write(`bench:probes-ab: skipped ${s}\n`);
  if (values.markdown) writeFileSync(String(values.markdown), md);
  if (values.out)
    writeFileSync(
      String(values.out),
      `${JSON.stringify({ scale, duration, vus, rows: result.rows, verdicts: result.verdicts, geo: result.geo }, null, 2)}\n`,
    );
  return 0;
});

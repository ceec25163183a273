import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { formatSummary } from "../../reports/summary.ts";
import { writeResult } from "../../results/write.ts";
import { main } from "../../scripts/cli.ts";
import { optionsFromFlags, planRun } from "../../scripts/commands/run.ts";
import { parseFlags } from "../../scripts/lib/args.ts";
import { executeRun } from "../../scripts/run/execute.ts";

const REGISTRY = new URL("./fixtures/registry.ts", import.meta.url).href;
const TARGETS = fileURLToPath(new URL("./fixtures/targets.json", import.meta.url));

async function plan(argv: string[]) {
  const spec = (await import("../../scripts/commands/run.ts")).default;
  expect(spec.name).toBe("run");
  const { values, positionals } = parseFlags("run", argv, RUN_FLAGS, true);
  const options = optionsFromFlags(values, positionals);
  return { options, planned: await planRun(options, REGISTRY) };
}

// the run command's flags, as the CLI parses them (strings; validated by optionsFromFlags)
const RUN_FLAGS = Object.fromEntries(
  [
    "duration",
    "warmup",
    "iterations",
    "model",
    "rate",
    "vus",
    "think-time",
    "stages",
    "start-rate",
    "max-in-flight",
    "timeout",
    "workers",
    "connections",
    "scale",
    "seed",
    "index-set",
    "targets",
    "out",
  ]
    .map((n) => [n, { type: "string" as const, description: n }])
    .concat([["threshold", { type: "string" as const, multiple: true, description: "t" }] as never])
    .concat([["quiet", { type: "boolean" as const, description: "q" }] as never]),
);

describe("bellyfed-bench run", () => {
  afterEach(() => vi.restoreAllMocks());

  it("rejects bad input with one line before anything starts", async () => {
    const cases: Array<[string[], string]> = [
      [["nope"], "unknown scenario 'nope'; known: fast, failing (or 'all')"],
      [["fast", "--rate", "0"], "--rate must be greater than zero"],
      [["fast", "--rate", "-5"], "--rate"],
      [["fast", "--vus", "0"], "--vus must be greater than zero"],
      [["fast", "--duration", "0s"], "--duration must be greater than zero"],
      [["fast", "--duration", "soon"], "--duration 'soon' is not a duration"],
      [
        ["fast", "--threshold", "p95<25"],
        "threshold 'p95<25' is malformed; write it like p(95)<25",
      ],
      [["fast", "--threshold", "other/p(95)<25"], "names scenario 'other'"],
      [["fast", "--rate", "10", "--vus", "2"], "not both"],
      [["fast", "--model", "open"], "--model open needs --rate"],
      [["fast", "--model", "sideways"], "--model 'sideways' is unknown"],
      [["fast", "--stages", "10s"], "DURATION:RATE"],
      [["fast", "--scale", "huge"], "--scale 'huge' is unknown"],
      [["fast", "--targets", "/nonexistent/targets.json"], "cannot be read"],
      // checked before the run, so a finished run never fails to save its result
      [
        ["fast", "--out", `${TARGETS}/run.json`],
        `${TARGETS} is a file, so no folder can be made there`,
      ],
      [["fast", "--out", tmpdir()], "is a folder, not a file; give a file name"],
      [["fast", "--out", join(tmpdir(), "no-such-dir-yet/")], "is a folder, not a file"],
    ];
    for (const [argv, message] of cases) {
      const p = plan(argv);
      await expect(p, argv.join(" ")).rejects.toBeInstanceOf(UsageError);
      await expect(plan(argv), argv.join(" ")).rejects.toThrow(message);
    }
  });

  it("exits 2 with one line on stderr for an unknown scenario from the CLI", async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s) => {
      lines.push(String(s));
      return true;
    });
    const code = await main(["run", "no-such-pattern", "--quiet"]);
    expect(code).toBe(2);
    expect(lines.join("").trim().split("\n")).toHaveLength(1);
    expect(lines.join("")).toMatch(/unknown scenario 'no-such-pattern'; known: .*leaderboards/);
  });

  it("runs scenarios, prints thresholds with actual values, writes a result; a failing scenario fails the run", async () => {
    const { options, planned } = await plan([
      "fast",
      "failing",
      "--duration",
      "1s",
      "--warmup",
      "200ms",
      "--threshold",
      "fast/latency:p(95)<50",
      "--threshold",
      "errors:rate<0.01",
      "--targets",
      TARGETS,
      "--quiet",
    ]);
    expect(planned.map((p) => p.model.type)).toEqual(["closed", "open"]);
    const result = await executeRun(options, planned, undefined);
    const [fast, failing] = result.scenarios;
    expect(fast.passed).toBe(true);
    expect(fast.operations.ok).toBeGreaterThan(100);
    expect(fast.durationMs).toBe(1000);
    expect(fast.warmupMs).toBe(200);
    // targets file defaults, then its scenario entry, then the flags (which replace rate<0.5)
    expect(fast.thresholds.map((t) => `${t.metric}:${t.expression}`)).toEqual([
      "operations:ok>0",
      "errors:rate<0.01",
      "latency:max<5000",
      "latency:p(95)<50",
    ]);
    expect(failing.passed).toBe(false);
    expect(failing.operations.errors.other).toBeGreaterThan(150);
    expect(result.passed).toBe(false);

    const text = formatSummary(result);
    expect(text).toContain("✓ latency      p(95)<50");
    expect(text).toMatch(/✗ errors\s+rate<0.01\s+actual 1/);
    expect(text).toContain("thresholds failed in: failing");

    const file = join(mkdtempSync(join(tmpdir(), "bb-run-")), "out.json");
    writeResult(result, file);
    const back = JSON.parse(readFileSync(file, "utf8"));
    expect(back.format).toBe("bellyfed-bench/result");
    expect(back.scenarios[0].histograms.latency).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(back.config.durationMs).toBe(1000);
    expect(back.environment.node).toBe(process.version);
  });
});

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childrenTicks, cpuSample } from "../../scripts/bench/overhead/cpu.ts";
import { findPgbench, pgbenchConn } from "../../scripts/bench/overhead/pgbench.ts";
import {
  pgbenchLogFiles,
  readPgbenchLog,
  readPgbenchLogFiles,
} from "../../scripts/bench/overhead/pgbench-log.ts";
import { resolveEndpoints } from "../../stores/services.ts";
import type { PgTarget } from "../../stores/types.ts";
import { runProcess } from "../helpers/cli.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "overhead-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function overhead(args: string[]) {
  return runProcess(process.execPath, ["--import", "tsx", "scripts/bench/overhead.ts", ...args]);
}

// each case is its own process writing (or not) its own file: they run at the same time
describe.concurrent("bench:overhead bad input: one line, exit 2, nothing written, before any service", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--only", "tail"], /--only 'tail' is unknown; use postgres, dynamodb or latency/],
    [["--rate", "fast"], /--rate 'fast' is not a number; write it like --rate 500/],
    [["--rate", "0"], /--rate must be greater than zero \(got 0\)/],
    [["--hog", "-1"], /--hog '-1' is not a positive whole number; write it like --hog 8/],
    [["--hog", "100"], /--hog 100 is too large; the most allowed is 64/],
    [
      ["--only", "latency", "--duration", "1500ms"],
      /--duration 1500ms is not whole seconds, which pgbench -T needs; write it like --duration 5s/,
    ],
    [
      ["--only", "latency", "--pgbench", "/nonexistent/pgbench"],
      /--pgbench \/nonexistent\/pgbench does not exist; give the path of a pgbench binary/,
    ],
  ];
  for (const [i, [args, message]] of cases.entries())
    it(args.join(" "), async () => {
      const out = join(dir, `bad-${i}.json`);
      const r = await overhead([...args, "--out", out]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
      expect(existsSync(out)).toBe(false);
    });

  it("--help names the latency comparison and its flags", async () => {
    const r = await overhead(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--only .*postgres, dynamodb or latency/);
    expect(r.stdout).toMatch(/--rate .*pgbench -R/);
    expect(r.stdout).toMatch(/--hog /);
  });
});

describe("pgbench's per-transaction log", () => {
  it("reads latency and schedule lag, leaves the warm-up and skipped lines out", () => {
    // client_id transaction_no time script_no time_epoch time_us schedule_lag
    const log = [
      "0 0 1000 0 1700000000 001000 200", // scheduled at ...000000: the run's start
      "0 1 skipped 0 1700000000 500000 0",
      "1 0 3000 0 1700000000 903000 100", // scheduled 0.9 s in: warm-up
      "1 1 2000 0 1700000001 002000 50", // scheduled 1.0 s in: measured
      "0 2 4000 0 1700000001 504000 400",
      "",
    ].join("\n");
    const r = readPgbenchLog([log], 1000);
    expect(r.measured).toBe(2);
    expect(r.warmup).toBe(2);
    expect(r.notCompleted).toBe(1);
    expect(r.latency.minNonZeroValue).toBe(2000);
    expect(r.latency.maxValue).toBe(4000);
    expect(r.lag.getValueAtPercentile(100)).toBe(400);
    // service time: latency minus lag, 1950 and 3600 us
    expect(r.service.minNonZeroValue).toBe(1950);
    expect(r.service.maxValue).toBe(3600);
    expect(r.endsUs).toHaveLength(4);
    expect(() => readPgbenchLog(["0 0 x 0 y z"])).toThrow(/not a pgbench log line/);
  });

  it("gives the exact percentiles of a real pgbench -R run's log, within HdrHistogram's 0.1%", async () => {
    const pgbench = findPgbench();
    expect(pgbench, "pgbench is needed: apt-get install postgresql-15").not.toBeNull();
    const target: PgTarget = (await resolveEndpoints()).pg;
    const script = join(dir, "select.sql");
    writeFileSync(script, "\\set k random(1, 1000)\nSELECT :k;\n");
    const prefix = join(dir, "run");
    const env = { ...process.env, PGPASSWORD: target.password ?? "" };
    const { stdout } = await run(
      pgbench!,
      [
        "-n",
        "-R",
        "400",
        "-c",
        "2",
        "-j",
        "2",
        "-T",
        "2",
        "-f",
        script,
        "-l",
        "--log-prefix",
        prefix,
      ].concat(pgbenchConn(target)),
      { env },
    );
    const files = pgbenchLogFiles(prefix);
    expect(files.length).toBe(2); // one per thread
    const lines = files
      .flatMap((f) => readFileSync(f, "utf8").trim().split("\n"))
      .map((l) => l.split(" ").map(Number));
    expect(lines.length).toBeGreaterThan(400);
    // exact, by sorting: nearest rank, as HdrHistogram's getValueAtPercentile
    const all = readPgbenchLogFiles(prefix, 0);
    const sorted = lines.map((f) => f[2]).sort((a, b) => a - b);
    expect(all.measured).toBe(sorted.length);
    for (const p of [50, 95, 99, 100]) {
      const exact = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
      const hdr = all.latency.getValueAtPercentile(p);
      expect(hdr, `p${p}`).toBeGreaterThanOrEqual(exact);
      expect(hdr - exact, `p${p}`).toBeLessThanOrEqual(Math.max(1, exact * 0.001));
    }
    // pgbench's own average (from the scheduled start under -R) agrees with the log's
    const avg = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
    expect(Math.abs(all.latency.mean / 1000 - avg)).toBeLessThanOrEqual(0.002 + avg * 0.002);
    // the warm-up: every transaction scheduled in the first 500 ms of the run, and no other
    const scheduled = lines.map((f) => f[4] * 1e6 + f[5] - f[2]);
    const start = Math.min(...scheduled);
    const afterWarmup = readPgbenchLogFiles(prefix, 500);
    expect(afterWarmup.warmup).toBe(scheduled.filter((s) => s < start + 500_000).length);
    expect(afterWarmup.measured + afterWarmup.warmup).toBe(lines.length);
    expect(afterWarmup.warmup).toBeGreaterThan(100);
  }, 30_000);
});

describe("client CPU from /proc", () => {
  it("reads cutime and cstime of a stat line whose command holds spaces and parentheses", () => {
    const stat =
      "4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 52 17 4 20 0 11 0 900 1000 200";
    expect(childrenTicks(stat)).toBe(21);
  });

  it("counts a reaped child's CPU on Linux", async () => {
    const before = cpuSample();
    if (process.platform !== "linux") {
      expect(before).toBeNull();
      return;
    }
    await run(process.execPath, [
      "-e",
      // busy until it has used 300 ms of CPU itself, however busy the machine is
      "const s = process.cpuUsage(); while (process.cpuUsage(s).user < 300000) {}",
    ]);
    const after = cpuSample();
    // counted in 10 ms ticks once the child is reaped (its start-up adds a little)
    expect(after!.childrenUs - before!.childrenUs).toBeGreaterThanOrEqual(290_000);
  });
});

describe("bench:overhead --only latency", () => {
  let figures: {
    latency: {
      rounds: number;
      rate: number;
      pgbench: Record<string, number | null>;
      harness: Record<string, number | null>;
      ratio: { p50: number; p95: number; p99: number };
      perRound: Array<{ first: string; pgbench: { p99Ms: number }; harness: { p99Ms: number } }>;
    };
  };
  let stdout = "";
  beforeAll(async () => {
    const out = join(dir, "latency.json");
    const r = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/bench/overhead.ts",
        "--only",
        "latency",
        "--rate",
        "200",
        "--duration",
        "2s",
        "--repeat",
        "2",
        "--out",
        out,
      ],
      { encoding: "utf8" },
    );
    stdout = r.stdout;
    figures = JSON.parse(readFileSync(out, "utf8"));
  }, 180_000);

  it("prints both contenders' p50/p95/p99 and their ratios", () => {
    expect(stdout).toMatch(
      /Latency at 200\/s, prepared point SELECT with a weighted parameter table/,
    );
    expect(stdout).toMatch(/pgbench -R 200 -j 1 +[\d.]+ +[\d.]+ +[\d.]+/);
    expect(stdout).toMatch(/harness \(open model, wire\) +[\d.]+ +[\d.]+ +[\d.]+/);
    expect(stdout).toMatch(/ratio harness\/pgbench +[\d.]+ +[\d.]+ +[\d.]+/);
    expect(stdout).toMatch(
      /service time \(actual start to end\) p50\/p99: pgbench [\d.]+\/[\d.]+ ms, harness [\d.]+\/[\d.]+ ms/,
    );
    expect(stdout).toMatch(/event-loop delay p99 [\d.]+ ms, max [\d.]+ ms; GC [\d.]+ pauses/);
  });

  it("alternates who goes first, and its ratios are the medians of each round's", () => {
    const l = figures.latency;
    expect(l.rounds).toBe(2);
    expect(l.perRound.map((r) => r.first)).toEqual(["pgbench", "harness"]);
    const ratios = l.perRound.map((r) => r.harness.p99Ms / r.pgbench.p99Ms);
    expect(l.ratio.p99).toBeCloseTo((ratios[0] + ratios[1]) / 2, 9);
    // 200/s for 2 s after the warm-up: about 400 measured each (pgbench's arrivals are Poisson)
    expect(l.harness.ops).toBeGreaterThanOrEqual(390);
    expect(l.harness.ops).toBeLessThanOrEqual(410);
    expect(l.pgbench.ops).toBeGreaterThan(300);
    for (const k of ["p50Ms", "p95Ms", "p99Ms"]) {
      expect(l.pgbench[k]).toBeGreaterThan(0);
      expect(l.harness[k]).toBeGreaterThan(0);
    }
    expect(l.pgbench.p50Ms!).toBeLessThanOrEqual(l.pgbench.p99Ms!);
    if (process.platform === "linux") {
      expect(l.pgbench.cpuUsPerOp).toBeGreaterThan(0);
      expect(l.harness.cpuUsPerOp).toBeGreaterThan(0);
    }
  });
});

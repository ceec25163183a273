import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadResult } from "../../results/load.ts";
import { runCli } from "../helpers/cli.ts";
import { buildRun } from "../helpers/results.ts";

let dir: string;
const p = (n: string) => join(dir, n);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gate-cli-"));
  const th = ["p(95)<100", ["errors", "rate<0.01"]] as Array<string | [string, string]>;
  const w = (n: string, v: unknown) => writeFileSync(p(n), JSON.stringify(v));
  w("base.json", buildRun({ scenarios: [{ name: "leaderboards", seed: 1, thresholds: th }] }));
  w("same.json", buildRun({ scenarios: [{ name: "leaderboards", seed: 2, thresholds: th }] }));
  w(
    "slow.json",
    buildRun({ scenarios: [{ name: "leaderboards", seed: 3, factor: 1.4, thresholds: th }] }),
  );
  w(
    "failing.json",
    buildRun({ scenarios: [{ name: "leaderboards", seed: 4, thresholds: ["p(95)<2"] }] }),
  );
});

describe("gate command", () => {
  it("exit 0 on noise, with the table on stdout", async () => {
    const r = await runCli(["gate", p("same.json"), "--baseline", p("base.json")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/leaderboards\s+unchanged/);
    expect(r.stdout).toMatch(/^PASS: 1 unchanged$/m);
  });

  it("exit 1 on a regression; names the metric and its change", async () => {
    const r = await runCli(["gate", p("slow.json"), "--baseline", p("base.json")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/leaderboards\s+regressed/);
    expect(r.stdout).toMatch(/p95 .*\+\d\d\.\d%.*regressed/);
    expect(r.stdout).toMatch(/^FAIL: 1 regressed$/m);
    // the baseline and current columns are the figures the change was computed from
    for (const metric of ["p50", "p95", "p99"]) {
      const row = new RegExp(
        `^\\s+${metric}\\s+([\\d.]+) ms\\s+([\\d.]+) ms\\s+([+-][\\d.]+)%`,
        "m",
      ).exec(r.stdout);
      expect(row, metric).not.toBeNull();
      const [, base, cur, pct] = row!.map(Number);
      expect(Math.abs((cur / base - 1) * 100 - pct), metric).toBeLessThan(1.5);
    }
    expect(r.stdout).toMatch(/whole run/);
  });

  it("exit 1 on a failed target, with the actual value", async () => {
    const r = await runCli(["gate", p("failing.json")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/latency p\(95\)<2 failed, actual \d+(\.\d+)? ms/);
  });

  it("--update-baseline writes a result that gate accepts as a baseline", async () => {
    const out = p("new-base.json");
    const r = await runCli(["gate", p("same.json"), p("base.json"), "--update-baseline", out]);
    expect(r.code).toBe(0);
    const written = loadResult(out).run;
    expect(written.scenarios).toHaveLength(1);
    expect(written.scenarios[0].operations.ok).toBe(12_000);
    expect(written.config.baselineOf).toBeDefined();
    const again = await runCli(["gate", p("same.json"), "--baseline", out]);
    expect(again.code).toBe(0);
  });

  it("appends the Markdown summary to $GITHUB_STEP_SUMMARY", async () => {
    const summary = p("step-summary.md");
    writeFileSync(summary, "previous step\n");
    const r = await runCli(["gate", p("slow.json"), "--baseline", p("base.json")], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(r.code).toBe(1);
    const text = readFileSync(summary, "utf8");
    expect(text.startsWith("previous step\n")).toBe(true);
    expect(text).toMatch(/## bellyfed-bench gate: failed/);
    expect(text).toMatch(/\| leaderboards \| ❌ regressed \|/);
  });

  it("writes JUnit, HTML and Markdown when asked", async () => {
    const r = await runCli([
      "gate",
      p("same.json"),
      "--baseline",
      p("base.json"),
      "--junit",
      p("j.xml"),
      "--html",
      p("r.html"),
      "--markdown",
      p("s.md"),
    ]);
    expect(r.code).toBe(0);
    for (const f of ["j.xml", "r.html", "s.md"]) expect(existsSync(p(f))).toBe(true);
    expect(readFileSync(p("j.xml"), "utf8")).toMatch(/^<\?xml/);
  });
});

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

/** The tests' synthetic registry: scenarios without stores, so no service starts. */
const REGISTRY = fileURLToPath(new URL("./fixtures/registry.ts", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/bellyfed-bench.js", import.meta.url));

describe("stopping a run early", () => {
  it("an impossible abortOnFail threshold ends a 60 s run within 15 s, exit 1, the result says why", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "bb-abort-")), "r.json");
    const started = Date.now();
    const r = await runCli(
      [
        "run",
        "fast",
        "--duration",
        "60s",
        "--warmup",
        "0",
        "--threshold",
        "latency:p(99)<0.001,abortOnFail,delayAbortEval=2s",
        "--out",
        out,
        "--quiet",
      ],
      { BELLYFED_REGISTRY: REGISTRY },
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("aborted after");
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(result.passed).toBe(false);
    expect(result.aborted.reason).toContain("latency p(99)<0.001 failed with abortOnFail");
    const s = result.scenarios[0];
    expect(s.aborted.atS).toBeGreaterThanOrEqual(2);
    expect(s.aborted.atS).toBeLessThan(10);
    expect(
      s.thresholds.find((t: { expression: string }) => t.expression === "p(99)<0.001"),
    ).toMatchObject({
      ok: false,
      abortOnFail: true,
    });
  }, 30_000);

  it("the same threshold across two worker threads stops both", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "bb-abort-")), "r.json");
    const r = await runCli(
      [
        "run",
        "fast",
        "--vus",
        "2",
        "--workers",
        "2",
        "--duration",
        "60s",
        "--warmup",
        "0",
        "--threshold",
        "latency:p(99)<0.001,abortOnFail",
        "--out",
        out,
        "--quiet",
      ],
      { BELLYFED_REGISTRY: REGISTRY },
      30_000,
    );
    expect(r.code).toBe(1);
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(result.scenarios[0].generators).toBe(2);
    expect(result.scenarios[0].aborted.atS).toBeLessThan(10);
  }, 30_000);

  it("Ctrl-C (SIGINT) writes the partial result marked aborted and exits 130", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "bb-sigint-")), "r.json");
    const child = spawn(
      process.execPath,
      [BIN, "run", "fast", "--duration", "60s", "--warmup", "0", "--out", out, "--quiet"],
      { env: { ...process.env, BELLYFED_REGISTRY: REGISTRY }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    setTimeout(() => child.kill("SIGINT"), 4000);
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).toBe(130);
    expect(existsSync(out)).toBe(true);
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(result.aborted.reason).toContain("interrupted (SIGINT)");
    expect(result.scenarios[0].operations.ok).toBeGreaterThan(0);
    // the measured window ends where the run was stopped: throughput is over that time
    expect(result.scenarios[0].durationMs).toBeLessThan(10_000);
    expect(result.scenarios[0].throughput).toBeCloseTo(
      result.scenarios[0].operations.ok / (result.scenarios[0].durationMs / 1000),
      -2,
    );
    expect(stdout).toContain("aborted after");
  }, 30_000);
});

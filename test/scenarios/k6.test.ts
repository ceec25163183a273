import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { readTargets, thresholdsFor } from "../../engine/targets.ts";
import { SCENARIOS, WRITE_SCENARIOS } from "../../scenarios/index.ts";
// @ts-expect-error plain JavaScript module shared with k6 (no type declarations)
import { durationSeconds, k6Thresholds, weightedKeys } from "../../scenarios/k6/lib.js";

const dir = fileURLToPath(new URL("../../scenarios/k6/", import.meta.url));
const scripts = readdirSync(dir).filter((f) => f.endsWith(".js") && f !== "lib.js");

/** The k6 scripts: valid ES modules, typed against @types/k6, same load and thresholds as the harness. */
describe("k6 scripts", () => {
  it("there is one per read scenario (the PostgreSQL leaderboard comparison has no HTTP route; writes come with the HTTP layer)", () => {
    expect(scripts.map((f) => f.replace(/\.js$/, "")).sort()).toEqual(
      Object.keys(SCENARIOS)
        // freshness writes too (a follow per probe): no HTTP route before the HTTP layer
        .filter(
          (n) =>
            n !== "leaderboards-pg" && !WRITE_SCENARIOS.includes(n) && SCENARIOS[n].writes !== true,
        )
        .sort(),
    );
  });

  it("parse as ES modules", () => {
    for (const f of [...scripts, "lib.js"]) {
      const r = spawnSync(process.execPath, ["--check", `${dir}${f}`], { encoding: "utf8" });
      expect(r.stderr, f).toBe("");
      expect(r.status, f).toBe(0);
    }
  });

  it("type-check against @types/k6", () => {
    const program = ts.createProgram(
      [...scripts, "lib.js"].map((f) => `${dir}${f}`),
      {
        allowJs: true,
        checkJs: true,
        noEmit: true,
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2020,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        types: ["k6"],
        skipLibCheck: true,
      },
    );
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  });

  it("default to the harness scenario's arrival rate", () => {
    for (const f of scripts) {
      const name = f.replace(/\.js$/, "");
      const m = /const RATE = Number\(__ENV\.RATE \|\| (\d+)\)/.exec(
        readFileSync(`${dir}${f}`, "utf8"),
      );
      const rate = SCENARIOS[name].load.rate;
      expect(rate).toBeGreaterThan(0);
      expect(Number(m?.[1])).toBe(rate);
    }
  });

  it("carry the thresholds of scenarios/targets.json in k6's metrics", () => {
    const targets = readTargets();
    for (const f of scripts) {
      const name = f.replace(/\.js$/, "");
      const harness = thresholdsFor(name, targets, []);
      const k6 = k6Thresholds(targets, name, { rate: 100, durationSeconds: 30 });
      const of = (metric: string) =>
        harness.filter((t) => t.metric === metric).map((t) => t.expression);
      expect(k6.http_req_duration).toEqual(of("latency"));
      expect(k6.http_req_failed).toEqual(of("errors"));
      expect(k6.http_reqs).toEqual(of("throughput").map((e) => e.replace("throughput", "rate")));
      // dropped rate<0.01 of 100/s for 30 s: fewer than 30 dropped iterations
      expect(k6.dropped_iterations).toEqual(["count<30"]);
    }
  });

  it("lib: durations and weighted draws", () => {
    expect(durationSeconds("1m30s")).toBe(90);
    expect(durationSeconds("500ms")).toBe(0.5);
    const keys = weightedKeys({ keys: ["a", "b"], weights: [3, 1] });
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (keys.draw((i + 0.5) / 10_000) === "a") a++;
    expect(a).toBe(7500);
  });
});

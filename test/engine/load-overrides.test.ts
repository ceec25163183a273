import { describe, expect, it } from "vitest";
import { resolveLoad } from "../../engine/models/index.ts";
import { thresholdsFor } from "../../engine/targets.ts";
import { parseFlags, parsePositiveNumber } from "../../scripts/lib/args.ts";

describe("a load given on the command line replaces the scenario's defaults", () => {
  it("--rate gets its own in-flight cap (rate x timeout), not the scenario's", () => {
    const scenarioDefault = { rate: 50, maxInFlight: 100 };
    const ctx = { timeoutMs: 2000, connections: 8 };
    const own = resolveLoad({}, scenarioDefault, ctx);
    expect(own).toEqual({ type: "open", rate: 50, maxInFlight: 100 });
    const raised = resolveLoad({ rate: 1000 }, scenarioDefault, ctx);
    expect(raised).toMatchObject({ type: "open", rate: 1000, maxInFlight: 2000 });
    const capped = resolveLoad({ rate: 1000, maxInFlight: 10 }, scenarioDefault, ctx);
    expect(capped).toMatchObject({ maxInFlight: 10 });
  });

  it("file throughput targets (written for the default rate) are left out; flags still apply", () => {
    const targets = {
      defaults: { errors: ["rate<0.001"] },
      scenarios: { profile: { throughput: ["throughput>90"], latency: ["p(95)<150"] } },
    };
    const metrics = (ts: { metric: string; expression: string }[]) =>
      ts.map((t) => `${t.metric}:${t.expression}`);
    expect(metrics(thresholdsFor("profile", targets, []))).toContain("throughput:throughput>90");
    const omitted = metrics(thresholdsFor("profile", targets, [], "targets", ["throughput"]));
    expect(omitted).not.toContain("throughput:throughput>90");
    expect(omitted).toContain("latency:p(95)<150");
    const flagged = metrics(
      thresholdsFor("profile", targets, ["throughput:throughput>15"], "targets", ["throughput"]),
    );
    expect(flagged).toContain("throughput:throughput>15");
  });

  it("a negative number after a flag is read as its value, so the range check names it", () => {
    const { values } = parseFlags("run", ["--rate", "-5"], {
      rate: { type: "string", description: "" },
    });
    expect(values.rate).toBe("-5");
    expect(() => parsePositiveNumber("rate", String(values.rate))).toThrow(
      "--rate must be greater than zero (got -5)",
    );
  });
});

import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { createHistogram, recordUs } from "../../core/histogram.ts";
import {
  evaluateThresholds,
  layerThresholds,
  parseConfig,
  parseThreshold,
  parseThresholdFlag,
} from "../../core/thresholds.ts";

describe("threshold expressions", () => {
  it("accepts the k6 forms and infers the metric", () => {
    expect(parseThreshold("p(95)<25")).toMatchObject({
      metric: "latency",
      aggregation: "p",
      percentile: 95,
      op: "<",
      value: 25,
    });
    expect(parseThreshold("p(99.9)<=100")).toMatchObject({
      percentile: 99.9,
      op: "<=",
      value: 100,
    });
    expect(parseThreshold("avg<10").aggregation).toBe("avg");
    expect(parseThreshold(" med < 5 ").expression).toBe("med<5");
    expect(parseThreshold("max<500").metric).toBe("latency");
    expect(parseThreshold("rate<0.001").metric).toBe("errors");
    expect(parseThreshold("throughput>500").metric).toBe("throughput");
    expect(parseThreshold("dropped<1").metric).toBe("dropped");
    expect(parseThreshold("p(99)<20", "service_time").metric).toBe("service_time");
    expect(parseThresholdFlag("service_time:p(99)<20").threshold.metric).toBe("service_time");
    expect(parseThresholdFlag("leaderboards/latency:p(95)<40")).toMatchObject({
      scenario: "leaderboards",
      threshold: { metric: "latency", percentile: 95, value: 40 },
    });
  });

  it("rejects malformed expressions with a UsageError that shows the fix", () => {
    expect(() => parseThreshold("p95<25")).toThrow(UsageError);
    expect(() => parseThreshold("p95<25")).toThrow(
      "threshold 'p95<25' is malformed; write it like p(95)<25",
    );
    for (const bad of [
      "p(95)",
      "<25",
      "p(95)<",
      "p(95)<abc",
      "p(0)<5",
      "p(101)<5",
      "avg=<3",
      "latency<3",
    ]) {
      expect(() => parseThreshold(bad), bad).toThrow(UsageError);
    }
    expect(() => parseThreshold("p(95)<25", "errors")).toThrow("errors takes rate, count");
    expect(() => parseThreshold("rate<1", "bogus")).toThrow("metric 'bogus' is unknown");
    expect(() => parseConfig({ latency: "p(95)<25" }, "targets")).toThrow("must be a list");
  });

  it("layers defaults, scenario targets and flags by metric and aggregation", () => {
    const list = layerThresholds(
      parseConfig({ errors: ["rate<0.001"], latency: ["p(95)<25"] }, "d"),
      parseConfig({ latency: ["p(95)<30", "p(99)<50"] }, "s"),
      [parseThresholdFlag("latency:p(95)<40").threshold],
    );
    expect(list.map((t) => `${t.metric}:${t.expression}`).sort()).toEqual([
      "errors:rate<0.001",
      "latency:p(95)<40",
      "latency:p(99)<50",
    ]);
  });

  it("evaluates against measured values", () => {
    const latency = createHistogram();
    for (let us = 1000; us <= 100_000; us += 1000) recordUs(latency, us); // 1..100 ms
    const v = { latency, serviceTime: latency, ok: 100, errors: 1, dropped: 0, throughput: 600 };
    const out = evaluateThresholds(
      [
        "p(95)<96",
        "p(95)<90",
        "avg<60",
        "med<=50.1",
        "max<100",
        "rate<0.01",
        "throughput>500",
        "dropped<1",
      ].map((e) => parseThreshold(e)),
      v,
    );
    expect(out.map((o) => [o.expression, o.ok])).toEqual([
      ["ok>0", true],
      ["p(95)<96", true],
      ["p(95)<90", false],
      ["avg<60", true],
      ["med<=50.1", true],
      ["max<100", false],
      ["rate<0.01", true],
      ["throughput>500", true],
      ["dropped<1", true],
    ]);
    expect(out[2].actual).toBeCloseTo(95, 0);
  });
});

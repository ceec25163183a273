import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { renderJunit } from "../../reports/junit.ts";
import { sampleReport, XSS } from "./fixtures.ts";

interface Testcase {
  "@_name": string;
  "@_classname": string;
  failure?: { "@_message": string; "#text"?: string };
}
interface Suite {
  "@_name": string;
  "@_tests": string;
  "@_failures": string;
  testcase: Testcase[];
}

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === "testsuite" || name === "testcase",
  }).parse(xml);
  return doc.testsuites.testsuite as Suite[];
}

describe("JUnit XML", () => {
  const report = sampleReport();
  const xml = renderJunit(report);
  const suites = parse(xml);

  it("has one testsuite per scenario, names escaped and read back exactly", () => {
    expect(suites.map((s) => s["@_name"])).toEqual(report.scenarios.map((s) => s.name));
    expect(suites.map((s) => s["@_name"])).toContain(XSS);
    expect(xml).not.toContain("<script>");
  });

  it("has one testcase per threshold, and one per baseline metric", () => {
    report.scenarios.forEach((s, i) => {
      const cases = suites[i].testcase;
      const thresholds = cases.filter((c) => c["@_name"].startsWith("threshold "));
      expect(thresholds.map((c) => c["@_name"])).toEqual(
        s.thresholds.map((t) => `threshold ${t.metric} ${t.expression}`),
      );
      expect(
        cases.filter((c) => c["@_name"].startsWith("baseline ")).map((c) => c["@_name"]),
      ).toEqual(["baseline p50", "baseline p95", "baseline p99", "baseline throughput"]);
      expect(Number(suites[i]["@_tests"])).toBe(cases.length);
      expect(Number(suites[i]["@_failures"])).toBe(cases.filter((c) => c.failure).length);
    });
  });

  it("failures carry the actual value", () => {
    const xss = suites.find((s) => s["@_name"] === XSS)!;
    const p95 = xss.testcase.find((c) => c["@_name"] === "threshold latency p(95)<25")!;
    const actual = report.scenarios[2].thresholds.find((t) => t.expression === "p(95)<25")!.actual;
    expect(p95.failure?.["@_message"]).toMatch(/^p\(95\)<25 failed: actual \d+(\.\d+)? ms$/);
    expect(p95.failure?.["@_message"]).toContain(actual.toFixed(1));
    const regressed = suites[0].testcase.find((c) => c["@_name"] === "baseline p95")!;
    expect(regressed.failure?.["@_message"]).toMatch(
      /p95 regressed: .* ms -> .* ms, change \+\d+\.\d%/,
    );
    const unchanged = suites[1].testcase.find((c) => c["@_name"] === "baseline p95")!;
    expect(unchanged.failure).toBeUndefined();
  });
});

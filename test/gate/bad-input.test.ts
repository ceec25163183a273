import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { buildRun } from "../helpers/results.ts";

let dir: string;
const path = (name: string) => join(dir, name);
const write = (name: string, value: unknown) =>
  writeFileSync(path(name), typeof value === "string" ? value : JSON.stringify(value));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gate-bad-"));
  const good = buildRun({ scenarios: [{ name: "trending", seed: 1, durationS: 5 }] });
  write("good.json", good);
  write("not-json.json", "{ this is not json");
  write("wrong-format.json", { ...good, format: "k6/summary" });
  write("wrong-version.json", { ...good, version: 3 });
  write("short-seconds.json", {
    ...good,
    scenarios: [
      {
        ...good.scenarios[0],
        histograms: {
          ...good.scenarios[0].histograms,
          seconds: good.scenarios[0].histograms.seconds!.slice(1),
        },
      },
    ],
  });
  write("no-scenarios.json", { ...good, scenarios: [] });
  write("bad-histogram.json", {
    ...good,
    scenarios: [
      { ...good.scenarios[0], histograms: { latency: "bm90IGEgaGlzdG9ncmFt", serviceTime: "x" } },
    ],
  });
  write(
    "other-scenario.json",
    buildRun({ scenarios: [{ name: "leaderboards", seed: 2, durationS: 5 }] }),
  );
  write(
    "other-scale.json",
    buildRun({ scale: "medium", scenarios: [{ name: "trending", seed: 3, durationS: 5 }] }),
  );
  write(
    "other-seed.json",
    buildRun({ dataSeed: 7, scenarios: [{ name: "trending", seed: 4, durationS: 5 }] }),
  );
  const v1 = buildRun({ scenarios: [{ name: "trending", seed: 5, durationS: 5 }] });
  write("schema-1.json", { ...v1, data: { ...v1.data, schemaVersion: 1 } });
  write("schema-2.json", { ...v1, data: { ...v1.data, schemaVersion: 2 } });
});

/** Runs gate with every output requested and checks: exit 2, one line naming the file, nothing written. */
async function expectBadInput(args: string[], file: string, problem: RegExp) {
  const outDir = mkdtempSync(join(dir, "out-"));
  const r = await runCli([
    "gate",
    ...args,
    "--junit",
    join(outDir, "j.xml"),
    "--html",
    join(outDir, "r.html"),
    "--markdown",
    join(outDir, "s.md"),
    "--update-baseline",
    join(outDir, "base.json"),
  ]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(problem);
  expect(lines[0]).not.toMatch(/\bat .*\.ts:\d+/);
  expect(readdirSync(outDir)).toEqual([]);
}

describe.concurrent("gate: bad input exits 2 with one line and writes nothing", () => {
  it("missing file", () => expectBadInput([path("nope.json")], "nope.json", /no such file/));
  it("not JSON", () => expectBadInput([path("not-json.json")], "not-json.json", /not JSON/));
  it("wrong format", () =>
    expectBadInput(
      [path("wrong-format.json")],
      "wrong-format.json",
      /not a bellyfed-bench result/,
    ));
  it("wrong result version", () =>
    expectBadInput(
      [path("wrong-version.json")],
      "wrong-version.json",
      /version 3 is not supported \(this harness reads versions 1 and 2\)/,
    ));
  it("per-second histograms that do not match the time series", () =>
    expectBadInput(
      [path("short-seconds.json")],
      "short-seconds.json",
      /histograms\.seconds does not hold one entry per second of its time series \(5\)/,
    ));
  it("a result with no scenarios", () =>
    expectBadInput([path("no-scenarios.json")], "no-scenarios.json", /no scenarios/));
  it("a corrupt histogram", () =>
    expectBadInput(
      [path("bad-histogram.json")],
      "bad-histogram.json",
      /not an encoded HdrHistogram/,
    ));
  it("baseline lacks the scenario", () =>
    expectBadInput(
      [path("good.json"), "--baseline", path("other-scenario.json")],
      "other-scenario.json",
      /has no scenario "trending"/,
    ));
  it("baseline from another scale", () =>
    expectBadInput(
      [path("good.json"), "--baseline", path("other-scale.json")],
      "other-scale.json",
      /scale 'medium'.*'small'/,
    ));
  it("baseline on another data seed", () =>
    expectBadInput(
      [path("good.json"), "--baseline", path("other-seed.json")],
      "other-seed.json",
      /seed 7/,
    ));
  it("repeated runs from different scales", () =>
    expectBadInput([path("good.json"), path("other-scale.json")], "other-scale.json", /scale/));
  it("different schema versions", () =>
    expectBadInput(
      [path("schema-2.json"), "--baseline", path("schema-1.json")],
      "schema-1.json",
      /schema version/,
    ));
  it("a malformed tolerance", () =>
    expectBadInput([path("good.json"), "--tolerance", "lots"], "--tolerance", /percentage/));
  it("no result file at all", async () => {
    const r = await runCli(["gate"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
  it("an output path under a file", async () => {
    const r = await runCli(["gate", path("good.json"), "--html", path("good.json/r.html")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /good\.json is a file, so no folder can be made there; pick another path/,
    );
  });
  it("an output folder that does not exist yet is made, as for run --out", async () => {
    const r = await runCli(["gate", path("good.json"), "--html", path("new-dir/deeper/r.html")]);
    expect(r.code).toBe(0);
    expect(existsSync(path("new-dir/deeper/r.html"))).toBe(true);
  });
});

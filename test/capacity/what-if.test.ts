/**
 * What-if: `--index-sets seed,tuned` (and `--dynamo-variants`) set the
 * sweeps taken under each side by side, with what the second saves in vCPUs
 * and dollars a month at the largest user count; a named set with no sweep is
 * one line naming the command that takes one, exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCapacityReport } from "../../scripts/commands/capacity-report.ts";
import { captured } from "./fixtures/capture.ts";
import { fixtureSweep } from "./fixtures/sweep.ts";

const dir = mkdtempSync(join(tmpdir(), "capacity-whatif-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, sweep: object) => {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(sweep));
  return f;
};
const seed = file("seed.json", fixtureSweep());
const tuned = file("tuned.json", fixtureSweep({ indexSet: "tuned" }));
const sharded = file("sharded.json", fixtureSweep({ dynamoVariant: "sharded" }));

async function run(args: string[]) {
  const { result, out, err } = await captured(() => runCapacityReport(args));
  return { code: result, out, err };
}

describe("capacity report what-if", () => {
  it("index sets and DynamoDB variants side by side, with the savings", async () => {
    const json = join(dir, "r.json");
    const r = await run([
      "--from",
      seed,
      "--from",
      tuned,
      "--from",
      sharded,
      "--index-sets",
      "seed,tuned",
      "--dynamo-variants",
      "design,sharded",
      "--out",
      json,
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const figures = JSON.parse(readFileSync(json, "utf8"));
    const [sets, variants] = figures.whatIf;
    expect(sets.dimension).toBe("index sets");
    expect(sets.rows.map((x: { label: string }) => x.label)).toEqual(["seed", "tuned"]);
    // the tuned fixture costs less CPU for profile and feed: fewer vCPUs, fewer dollars
    expect(sets.saves.vcpu).toBeCloseTo(sets.rows[0].vcpuPeak - sets.rows[1].vcpuPeak, 9);
    expect(sets.saves.vcpu).toBeGreaterThan(0);
    expect(sets.saves.monthly).toBeCloseTo(
      sets.rows[0].totalMonthly - sets.rows[1].totalMonthly,
      9,
    );
    // the main report is the first set's sweep
    expect(figures.sweep.file).toBe(seed);
    expect(figures.points.at(-1).aurora.vcpuPeak.value).toBe(sets.rows[0].vcpuPeak);
    // the sharded variant reads 8 shards: more RCU, no constant key to break first
    expect(variants.rows[1].dynamoRcuPeak).toBeGreaterThan(variants.rows[0].dynamoRcuPeak);
    expect(variants.rows[0].firstBreak).toContain("(constant 'ALL')");
    expect(variants.rows[1].firstBreak).not.toContain("constant");
    expect(r.out).toContain("What-if: index sets");
    expect(r.out).toMatch(
      /index sets: tuned against seed at 14\.3M users saves [\d.]+ vCPU at peak \[cpu x1\] and saves \$/,
    );
  });

  it("a set with no sweep, or several sweeps without a comparison, is one line and exit 2", async () => {
    const missing = await run(["--from", seed, "--from", sharded, "--index-sets", "seed,tuned"]);
    expect(missing.code).toBe(2);
    expect(missing.err.trimEnd().split("\n")).toHaveLength(1);
    expect(missing.err).toContain(
      "--index-sets names tuned but no --from sweep was taken under index set tuned",
    );
    expect(missing.err).toContain(
      "bellyfed-bench capacity sweep --index-set tuned --out sweep-tuned.json",
    );
    expect(missing.out).toBe("");
    const unsaid = await run(["--from", seed, "--from", tuned]);
    expect(unsaid.code).toBe(2);
    expect(unsaid.err).toContain(
      "say what they compare with --index-sets A,B or --dynamo-variants A,B",
    );
  });
});

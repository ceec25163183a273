/**
 * `capacity report --from` reads the file `npm run bench:cost -- --out FILE`
 * writes ({ machine, dataset, costs }) as a sweep of costs only: each
 * scenario's kind from the registry, its cost as measured, no steps; the
 * projection is the one the same costs give inside a sweep.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { runCapacityReport } from "../../scripts/commands/capacity-report.ts";
import { captured } from "./fixtures/capture.ts";
import { fixtureSweep } from "./fixtures/sweep.ts";

const dir = mkdtempSync(join(tmpdir(), "capacity-costfile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("a bench:cost file projects as a sweep of costs only", async () => {
  const sweep = fixtureSweep();
  const costs = Object.fromEntries(sweep.scenarios.map((s) => [s.name, s.cost]));
  const costFile = join(dir, "costs.json");
  writeFileSync(
    costFile,
    JSON.stringify({ machine: sweep.machine, dataset: sweep.dataset, costs }),
  );
  // the same costs inside a sweep with every step removed
  const bare = {
    ...sweep,
    scenarios: sweep.scenarios.map(({ rate: _r, concurrency: _c, ...s }) => s),
  };
  const sweepFile = join(dir, "sweep.json");
  writeFileSync(sweepFile, JSON.stringify(bare));
  const a = join(dir, "a.json");
  const b = join(dir, "b.json");
  const ra = await captured(() => runCapacityReport(["--from", costFile, "--out", a]));
  const rb = await captured(() => runCapacityReport(["--from", sweepFile, "--out", b]));
  expect(ra.err).toBe("");
  expect([ra.result, rb.result]).toEqual([0, 0]);
  const fa = JSON.parse(readFileSync(a, "utf8"));
  const fb = JSON.parse(readFileSync(b, "utf8"));
  expect(fa.sweep.scenarios).toEqual(sweep.scenarios.map((s) => s.name));
  expect(fa.sweep.indexSet).toBe("unrecorded");
  expect(fa.sweep.startedAt).toMatch(/^\d{4}-\d\d-\d\dT.*\(file written\)$/);
  expect(fa.patterns).toEqual([]);
  expect(fa.points).toEqual(fb.points);
  expect(fa.breaks).toEqual(fb.breaks);
  // the registry says which are writes: rank-dish's CPU lands on the writer
  expect(fa.points[0].aurora.writerVcpu.value).toBeGreaterThan(0);
  expect(
    fa.points[0].ops.find((o: { scenario: string }) => o.scenario === "rank-dish").writes,
  ).toBe(true);
});

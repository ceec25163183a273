import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

/** The tests' synthetic registry: scenarios without stores, so no service starts. */
const REGISTRY = fileURLToPath(new URL("../engine/fixtures/registry.ts", import.meta.url));

it("run --mix runs the scenarios at the same time, each at its share of --rate, each with its own figures", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "bb-mix-")), "r.json");
  const r = await runCli(
    [
      "run",
      "--mix",
      "fast=3,failing=1",
      "--rate",
      "80",
      "--duration",
      "4s",
      "--warmup",
      "0",
      "--out",
      out,
      "--quiet",
    ],
    { BELLYFED_REGISTRY: REGISTRY },
  );
  expect(r.code).toBe(1); // `failing` fails its error threshold
  const result = JSON.parse(readFileSync(out, "utf8"));
  expect(result.config.mix).toBe("fast=3,failing=1");
  const [fast, failing] = result.scenarios;
  expect([fast.name, failing.name]).toEqual(["fast", "failing"]);
  expect(fast.model).toMatchObject({ type: "open", rate: 60 });
  expect(failing.model).toMatchObject({ type: "open", rate: 20 });
  // kept apart: the errors are all failing's, the successes all fast's
  expect(fast.operations.ok).toBeGreaterThan(200);
  expect(Object.values(fast.operations.errors).reduce((a: number, b) => a + (b as number), 0)).toBe(
    0,
  );
  expect(failing.operations.ok).toBe(0);
  expect(
    Object.values(failing.operations.errors).reduce((a: number, b) => a + (b as number), 0),
  ).toBeGreaterThan(60);
  // at the same time: the windows start together (one after the other they would be 4 s apart)
  const gap = Math.abs(Date.parse(fast.windowStart) - Date.parse(failing.windowStart));
  expect(gap).toBeLessThan(2000);
  expect(r.stdout).toContain("█ fast");
  expect(r.stdout).toContain("█ failing");
}, 60_000);

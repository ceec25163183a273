import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Scratch, scratchStores } from "../helpers/stores.ts";
import { expectedCounts, rowCounts, withPg } from "./support.ts";

const CHILD = fileURLToPath(new URL("./fixtures/load-child.ts", import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the load command in a child; `killWhen` sees stderr and may ask for a SIGKILL. */
function child(s: Scratch, args: string[], killWhen?: (stderr: string) => boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
      env: { ...process.env, BB_TEST_ENDPOINTS: JSON.stringify({ pg: s.pg, dynamo: s.dynamo }) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    p.stdout.on("data", (d) => {
      stdout += d;
    });
    p.stderr.on("data", (d) => {
      stderr += d;
      if (!killed && killWhen?.(stderr)) {
        killed = true;
        p.kill("SIGKILL");
      }
    });
    p.once("error", reject);
    p.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe("a load killed mid-way (crash)", () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratchStores("load_crash");
  });
  afterAll(async () => {
    await s?.cleanup();
  });

  it("leaves the store marked incomplete; load status says so; the next load redoes it", async () => {
    // non-TTY stderr: a line per finished table; kill once users are in
    const killed = await child(s, ["--scale", "tiny", "--seed", "9", "--only", "pg"], (err) =>
      /^users\s.*done in/m.test(err),
    );
    expect(killed.signal).toBe("SIGKILL");

    const status = await child(s, ["status", "--only", "pg"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /INCOMPLETE: the load of tiny seed 9 .* did not finish \(interrupted\)/,
    );

    const redo = await child(s, ["--scale", "tiny", "--seed", "9", "--only", "pg"]);
    expect(redo.code).toBe(0);
    expect(redo.stderr).toMatch(
      /previous load \(tiny seed 9, started .*\) did not finish; loading again/,
    );
    expect(redo.stdout).toMatch(/PostgreSQL: tiny seed 9, index set seed: loaded/);
    await withPg(s.pg, async (c) => {
      expect(await rowCounts(c)).toEqual(expectedCounts("tiny", 9));
    });

    const after = await child(s, ["status", "--only", "pg"]);
    expect(after.stdout).toMatch(/tiny seed 9: complete/);
  });
});

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cannotPin, coreSplit, pin, withChildren } from "../../scripts/lib/pin-cores.ts";

/** bench:freshness --pin: a process and its children moved to a core, and back. */

const allowed = (pid: number) =>
  /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];

describe("pinning a process and its children", () => {
  it("sets every child's cores and gives them all back", async () => {
    // this machine: Linux with taskset and 2 cores or more (the README's machine facts)
    expect(cannotPin()).toBeNull();
    const parent = spawn("sh", ["-c", "sleep 30 & sleep 30 & wait"], { stdio: "ignore" });
    try {
      const pid = parent.pid as number;
      let family: number[] = [];
      for (let i = 0; i < 50 && family.length < 3; i++) {
        await new Promise((r) => setTimeout(r, 20));
        family = withChildren(pid);
      }
      expect(family[0]).toBe(pid);
      expect(family).toHaveLength(3);
      const cores = coreSplit();
      pin(family, cores.alone);
      for (const p of family) expect(allowed(p)).toBe(cores.alone);
      pin(family, cores.all);
      for (const p of family) expect(allowed(p)).toBe(cores.all);
    } finally {
      parent.kill("SIGKILL");
      for (const p of withChildren(parent.pid as number).slice(1)) process.kill(p, "SIGKILL");
    }
  }, 60_000);
});

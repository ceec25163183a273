import { describe, expect, it } from "vitest";
import { describeMachine } from "../../capacity/dataset.ts";
import { resolveEndpoints } from "../../stores/services.ts";

/**
 * The sweep's machine figures: the embedded PostgreSQL runs on this machine
 * (its postmaster found in /proc), so it shares the load generator's cores.
 */
describe("machine figures", () => {
  it("finds the local PostgreSQL and says it shares the cores", async () => {
    const m = await describeMachine(await resolveEndpoints());
    expect(m.pgLocal).toBe(true);
    expect(m.sharedCores).toBe(true);
    expect(m.cpus).toBeGreaterThan(0);
    expect(m.memoryGiB).toBeGreaterThan(0);
    expect(m.node).toBe(process.version);
    expect(m.postgresVersion).toMatch(/^\d+\.\d+/);
    expect(m.dynamoEndpoint).toBe("dynamodb-local");
  }, 30_000);
});

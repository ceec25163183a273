import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pgClientConfig } from "../../stores/postgres.ts";
import type { Candidate } from "../../tuning/candidates.ts";
import { evaluateCandidate, hypopgAvailable, type WhatIfProbe } from "../../tuning/whatif.ts";
import { type Pg15, startPg15 } from "./pg15.ts";

/**
 * The hypopg path and the real-build path on one simple case (Debian's
 * PostgreSQL 15 with postgresql-15-hypopg): both say the planner uses the
 * candidate and the plan gets cheaper, with costs within a few percent.
 */
let server: Pg15;
let client: pg.Client;

beforeAll(async () => {
  server = await startPg15();
  client = new pg.Client(pgClientConfig(server.target));
  await client.connect();
  await client.query(`
    CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL, at timestamp NOT NULL, body text);
    INSERT INTO events SELECT g, g % 5000, now() - g * interval '1 second', md5(g::text)
      FROM generate_series(1, 200000) g;
    ANALYZE events;
  `);
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

it("hypopg and a real build agree: the candidate is used and the cost falls alike", async () => {
  expect(await hypopgAvailable(client)).toEqual({ ok: true, why: "hypopg" });
  const candidate: Candidate = {
    name: "idx_events_account_at",
    table: "events",
    method: "btree",
    keys: ["account", "at DESC"],
    patterns: ["recent-events"],
    reason: "planted",
  };
  const probes: WhatIfProbe[] = [
    {
      pattern: "recent-events",
      statement: {
        name: "recent_events",
        text: "SELECT id, at FROM events WHERE account = $1 ORDER BY at DESC LIMIT 10",
      },
      params: [42],
    },
  ];
  const hypo = await evaluateCandidate(client, candidate, probes, "hypopg");
  const real = await evaluateCandidate(client, candidate, probes, "real");
  expect(hypo.error).toBeUndefined();
  expect(real.error).toBeUndefined();
  const [h] = hypo.outcomes;
  const [r] = real.outcomes;
  expect(h.usesIndex).toBe(true);
  expect(r.usesIndex).toBe(true);
  expect(h.costBefore).toBeCloseTo(r.costBefore, 6);
  expect(h.costAfter).toBeLessThan(h.costBefore / 10);
  expect(r.costAfter).toBeLessThan(r.costBefore / 10);
  // hypopg estimates the size and the cost from the table's statistics: close to the real ones
  expect(Math.abs(h.costAfter - r.costAfter) / r.costAfter).toBeLessThan(0.25);
  expect(Math.abs(hypo.sizeBytes - real.sizeBytes) / real.sizeBytes).toBeLessThan(0.5);
  // the real index is dropped afterwards; nothing is left behind
  const left = await client.query(
    "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'events'",
  );
  expect(left.rows[0].n).toBe(1);
  expect(r.msAfter).toBeLessThan(r.msBefore!);
});

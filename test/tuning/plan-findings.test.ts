import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pgClientConfig, type Statement } from "../../stores/postgres.ts";
import { readCatalog } from "../../tuning/catalog.ts";
import { explainStatement, foldPlans } from "../../tuning/explain.ts";
import { planFindings } from "../../tuning/rules/plans.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** Planted queries: a missing index, a GIN index asked with = ANY, a btree asked for a 2-D box. */
let stores: Scratch;
let client: pg.Client;

beforeAll(async () => {
  stores = await scratchStores("tuning_plans");
  client = new pg.Client(pgClientConfig(stores.pg));
  await client.connect();
  await client.query(`
    CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL, at timestamp NOT NULL, tags text[]);
    INSERT INTO events SELECT g, g % 2000, now() - g * interval '1 minute',
           ARRAY['t' || (g % 50), 'u' || (g % 7)]
      FROM generate_series(1, 60000) g;
    CREATE INDEX events_tags ON events USING gin (tags);
    CREATE TABLE places (id int PRIMARY KEY, latitude numeric(10,8), longitude numeric(11,8));
    INSERT INTO places SELECT g, 30 + (g % 1000) / 50.0, -120 + (g / 1000) / 2.0
      FROM generate_series(1, 60000) g;
    CREATE INDEX places_geo ON places (latitude, longitude);
    ANALYZE events; ANALYZE places;
  `);
});

afterAll(async () => {
  await client?.end();
  await stores?.cleanup();
});

async function plans(pattern: string, statement: Statement, params: unknown[][]) {
  const runs = [];
  for (const p of params)
    runs.push({ params: p, output: await explainStatement(client, statement, p) });
  return foldPlans(pattern, statement, runs);
}

it("finds the scan without an index, proposes the index, and names the index types that cannot serve", async () => {
  const recent = await plans(
    "recent",
    { name: "recent", text: "SELECT id FROM events WHERE account = $1 ORDER BY at DESC LIMIT 10" },
    [[1], [2], [3]],
  );
  expect(recent.seqScans.map((s) => s.table)).toEqual(["events"]);
  expect(recent.indexesUsed).toEqual([]);
  const tagged = await plans(
    "tagged",
    { name: "tagged", text: "SELECT count(*) FROM events WHERE $1 = ANY (tags)" },
    [["t7"]],
  );
  const box = await plans(
    "box",
    {
      name: "box",
      text: "SELECT id FROM places WHERE latitude BETWEEN $1 AND $2 AND longitude BETWEEN $3 AND $4",
    },
    [[40, 40.5, -110, -109]],
  );
  expect(box.indexesUsed).toEqual(["places_geo"]);

  const { findings, candidates } = planFindings([recent, tagged, box], await readCatalog(client));
  const seq = findings.find((f) => f.kind === "seq-scan" && f.pattern?.startsWith("recent"));
  expect(seq?.severity).toBe("high");
  expect(seq?.fix).toBe(
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_events_account ON public.events (account);",
  );
  expect(candidates.map((c) => `${c.table}(${c.keys.join(", ")})`)).toContain("events(account)");

  const gin = findings.find((f) => f.kind === "index-type-mismatch" && f.index === "events_tags");
  expect(gin?.evidence).toContain("= ANY (tags)");
  expect(gin?.fix).toContain("tags @> ARRAY[value]");

  const geo = findings.find((f) => f.kind === "index-type-mismatch" && f.index === "places_geo");
  expect(geo?.pattern).toBe("box (box)");
  expect(geo?.fix).toContain("USING gist (latitude, longitude)");

  // the proposed index does what it says: the scan becomes an index scan
  await client.query(seq!.fix!);
  await client.query("ANALYZE events");
  const after = await plans("recent", { name: "recent", text: recent.text }, [[1]]);
  expect(after.seqScans).toEqual([]);
  expect(after.indexesUsed).toEqual(["idx_events_account"]);
});

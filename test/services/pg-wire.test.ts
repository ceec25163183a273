import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyError } from "../../engine/classify.ts";
import { connectWire } from "../../stores/pg-wire/connection.ts";
import { pgClientConfig, pgClientKind } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * The lean wire client must give scenarios exactly what node-pg gives them:
 * the same row objects (same type parsing), the same parameter encoding and
 * the same errors, whatever the size of the reply.
 */
describe("wire client: same rows, parameters and errors as node-pg", () => {
  let s: Scratch;
  let ref: pg.Client;
  beforeAll(async () => {
    s = await scratchStores("pgwire");
    ref = new pg.Client(pgClientConfig(s.pg));
    await ref.connect();
  });
  afterAll(async () => {
    await ref.end();
    await s.cleanup();
  });

  const TYPES = {
    name: "w_types",
    text: `SELECT $1::int AS i, $2::bigint AS big, $3::numeric AS num, $4::float8 AS f,
      $5::text AS t, $6::uuid AS u, $7::timestamp AS ts, $8::jsonb AS j, $9::uuid[] AS ids,
      $10::bool AS b, $11::text AS nothing, $12::text[] AS tags, $13::bytea AS bytes`,
  };
  const PARAMS = [
    7,
    "9007199254740993",
    "12.50",
    0.25,
    "Ünïcødé 🍜 'quoted' \\ back",
    "5f0c7a52-9a8b-4c21-8f1e-7d2b6c3a9e10",
    new Date("2026-03-04T05:06:07.123Z"),
    { dish: "laksa", score: [1, 2] },
    ["5f0c7a52-9a8b-4c21-8f1e-7d2b6c3a9e10", "00000000-0000-4000-8000-000000000001"],
    true,
    null,
    ["a,b", 'say "hi"', "{x}"],
    Buffer.from([0, 1, 2, 255]),
  ];

  it("returns the same row objects as node-pg for every common type and parameter kind", async () => {
    const conn = await connectWire(pgClientConfig(s.pg), () => {});
    const mine = await conn.query(TYPES, PARAMS);
    const theirs = (await ref.query({ ...TYPES, values: PARAMS })).rows;
    expect(mine).toEqual(theirs);
    expect(Object.keys(mine[0] as object)).toEqual(Object.keys(theirs[0]));
    // prepared once: a second run gives the same again
    expect(await conn.query(TYPES, PARAMS)).toEqual(theirs);
    await conn.close();
  });

  it("reassembles replies larger than one socket read", async () => {
    const conn = await connectWire(pgClientConfig(s.pg), () => {});
    const big = {
      name: "w_big",
      text: "SELECT g AS n, repeat(md5(g::text), $2::int) AS pad FROM generate_series(1, $1::int) g",
    };
    const rows = await conn.query<{ n: number; pad: string }>(big, [5000, 20]); // ~3.3 MB
    expect(rows).toHaveLength(5000);
    expect(rows[4999].n).toBe(5000);
    expect(rows).toEqual((await ref.query({ ...big, values: [5000, 20] })).rows);
    await conn.close();
  });

  it("rejects with node-pg's DatabaseError and stays usable; a failed prepare is not remembered", async () => {
    const conn = await connectWire(pgClientConfig(s.pg), () => {});
    const err = await conn
      .query({ name: "w_div", text: "SELECT 1/$1::int AS x" }, [0])
      .catch((e) => e);
    expect(err).toBeInstanceOf(pg.DatabaseError);
    expect(err).toMatchObject({ code: "22012", severity: "ERROR", message: "division by zero" });
    expect(classifyError(err)).toBe("query");
    expect(await conn.query({ name: "w_div", text: "SELECT 1/$1::int AS x" }, [2])).toEqual([
      { x: 0 },
    ]);
    await expect(conn.query({ name: "w_syntax", text: "SELEC 1" }, [])).rejects.toMatchObject({
      code: "42601",
    });
    // the same name now prepares again (the failed Parse left nothing behind)
    await conn
      .query({ name: "w_syntax", text: "SELECT 1 AS one" }, [])
      .then((rows) => expect(rows).toEqual([{ one: 1 }]));
    await conn.close();
  });

  it("fails the query in flight as a connection error when the backend is terminated, and reports the loss", async () => {
    let lost = 0;
    const conn = await connectWire(pgClientConfig(s.pg), () => lost++);
    const [{ pid }] = await conn.query<{ pid: number }>(
      { name: "w_pid", text: "SELECT pg_backend_pid() AS pid" },
      [],
    );
    const sleeping = conn
      .query({ name: "w_sleep", text: "SELECT pg_sleep(5)" }, [])
      .catch((e) => e);
    await new Promise((r) => setTimeout(r, 100));
    await ref.query("SELECT pg_terminate_backend($1)", [pid]);
    const err = await sleeping;
    expect(classifyError(err)).toBe("connection");
    expect(lost).toBe(1);
    expect(conn.alive).toBe(false);
    await expect(conn.query({ name: "w_pid", text: "SELECT 1" }, [])).rejects.toBeTruthy();
  });

  it("BELLYFED_PG_CLIENT picks the client; anything else is a usage error naming the choices", () => {
    expect(pgClientKind({})).toBe("wire");
    expect(pgClientKind({ BELLYFED_PG_CLIENT: "node-pg" })).toBe("node-pg");
    expect(() => pgClientKind({ BELLYFED_PG_CLIENT: "libpq" })).toThrow(/"wire".*"node-pg"/);
  });
});

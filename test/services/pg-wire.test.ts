import net from "node:net";
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

  it("ignores notices between rows, keeps duplicate column names as node-pg does, and returns [] for no columns", async () => {
    const conn = await connectWire(pgClientConfig(s.pg), () => {});
    await ref.query(`CREATE OR REPLACE FUNCTION noisy(n int) RETURNS SETOF int AS $$
      BEGIN FOR i IN 1..n LOOP RAISE NOTICE 'row %', i; RETURN NEXT i; END LOOP; END $$ LANGUAGE plpgsql`);
    const noisy = { name: "w_noisy", text: "SELECT noisy AS i FROM noisy($1::int)" };
    expect(await conn.query(noisy, [300])).toEqual(
      (await ref.query({ ...noisy, values: [300] })).rows,
    );
    const dup = { name: "w_dup", text: "SELECT 1 AS a, 2 AS a, NULL::int AS b" };
    const mine = await conn.query(dup, []);
    expect(mine).toEqual((await ref.query(dup)).rows);
    expect(await conn.query({ name: "w_none", text: "SELECT WHERE false" }, [])).toEqual([]);
    await conn.close();
  });

  it("applies type parsers registered after a statement was prepared, as node-pg does", async () => {
    const conn = await connectWire(pgClientConfig(s.pg), () => {});
    const big = { name: "w_int8", text: "SELECT $1::bigint AS v" };
    expect(await conn.query(big, [5])).toEqual([{ v: "5" }]);
    pg.types.setTypeParser(20, BigInt);
    try {
      expect(await conn.query(big, [5])).toEqual([{ v: 5n }]);
    } finally {
      pg.types.setTypeParser(20, (v: string) => v);
    }
    await conn.close();
  });

  it("rejects bad input before sending it and stays usable: a name reused for other SQL, too many parameters", async () => {
    const conn = await connectWire(pgClientConfig(s.pg), () => {});
    await conn.query({ name: "w_same", text: "SELECT 1 AS a" }, []);
    await expect(conn.query({ name: "w_same", text: "SELECT 2 AS b" }, [])).rejects.toThrow(
      /must be unique - 'w_same'/,
    );
    const many = Array.from({ length: 33_000 }, (_, i) => i);
    const sum = {
      name: "w_many",
      text: `SELECT cardinality(ARRAY[${many.map((i) => `$${i + 1}::int`).join(",")}]) AS n, $33000::int AS last`,
    };
    expect(await conn.query(sum, many)).toEqual([{ n: 33_000, last: 32_999 }]);
    await expect(
      conn.query({ name: "w_toomany", text: "SELECT 1" }, new Array(70_000).fill(1)),
    ).rejects.toThrow(/70000 parameters; PostgreSQL takes at most 65535/);
    expect(await conn.query({ name: "w_same", text: "SELECT 1 AS a" }, [])).toEqual([{ a: 1 }]);
    expect(conn.alive).toBe(true);
    await conn.close();
  });

  it("reassembles replies however the bytes are split (a proxy that passes one byte at a time)", async () => {
    const proxy = net.createServer((client) => {
      const server = net.connect(s.pg.port, s.pg.host);
      client.pipe(server);
      // server -> client one byte per write, yielding between writes
      let queue = Buffer.alloc(0);
      let pumping = false;
      const pump = () => {
        if (queue.length === 0 || client.destroyed) {
          pumping = false;
          return;
        }
        client.write(queue.subarray(0, 1));
        queue = queue.subarray(1);
        setImmediate(pump);
      };
      server.on("data", (d: Buffer) => {
        queue = Buffer.concat([queue, d]);
        if (!pumping) {
          pumping = true;
          pump();
        }
      });
      const end = () => {
        client.destroy();
        server.destroy();
      };
      client.on("error", end);
      server.on("error", end);
      client.on("close", end);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const port = (proxy.address() as net.AddressInfo).port;
    const conn = await connectWire({ ...pgClientConfig(s.pg), port }, () => {});
    expect(await conn.query(TYPES, PARAMS)).toEqual(
      (await ref.query({ ...TYPES, values: PARAMS })).rows,
    );
    const rows = {
      name: "w_rows",
      text: "SELECT g, md5(g::text) AS h FROM generate_series(1, 40) g",
    };
    expect(await conn.query(rows, [])).toEqual((await ref.query(rows)).rows);
    await conn.close();
    await new Promise((r) => proxy.close(r));
  });

  it("returns a single 3 MB value intact", async () => {
    const conn = await connectWire(pgClientConfig(s.pg), () => {});
    const [row] = await conn.query<{ v: string }>(
      { name: "w_huge", text: "SELECT repeat('ab', $1::int) AS v" },
      [1_500_000],
    );
    expect(row.v.length).toBe(3_000_000);
    expect(row.v.startsWith("abab") && row.v.endsWith("abab")).toBe(true);
    await conn.close();
  });
});

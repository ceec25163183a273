import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgFromEnv } from "../../stores/env.ts";
import { createPgStore } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * Aurora is reached over TLS. The wire client then reads through node-pg's
 * TLS socket instead of its own fixed read buffer; this runs that path against
 * a TLS front for the real server: a proxy that answers PostgreSQL's
 * SSLRequest with 'S', terminates TLS with a throwaway certificate (made with
 * openssl for 127.0.0.1) and forwards the plain bytes.
 */
describe("wire client over TLS (the Aurora path)", () => {
  let s: Scratch;
  let dir: string;
  let cert: Buffer;
  let proxy: net.Server;
  let port: number;
  let tlsSessions = 0;

  beforeAll(async () => {
    s = await scratchStores("pgwire_tls");
    dir = mkdtempSync(join(tmpdir(), "bellyfed-tls-"));
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=bench"],
        ...["-addext", "subjectAltName=IP:127.0.0.1"],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
      ],
      { stdio: "ignore" },
    );
    cert = readFileSync(join(dir, "cert.pem"));
    const key = readFileSync(join(dir, "key.pem"));
    proxy = net.createServer((client) => {
      client.once("data", (request) => {
        // SSLRequest: length 8, code 80877103
        if (request.length !== 8 || request.readInt32BE(4) !== 80877103) return client.destroy();
        client.write("S");
        const secure = new tls.TLSSocket(client, { isServer: true, key, cert });
        secure.once("secure", () => tlsSessions++);
        const server = net.connect(s.pg.port, s.pg.host);
        secure.pipe(server).pipe(secure);
        const end = () => {
          secure.destroy();
          server.destroy();
        };
        secure.on("error", end);
        server.on("error", end);
        server.on("close", end);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    port = (proxy.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => proxy.close(r));
    rmSync(dir, { recursive: true, force: true });
    await s.cleanup();
  });

  it("verifies the certificate, runs prepared statements and reassembles large replies", async () => {
    const store = createPgStore({ ...s.pg, port, ssl: { ca: cert } }, 2, "wire");
    const point = { name: "tls_point", text: "SELECT $1::int + 1 AS n, $2::text AS t" };
    const rows = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.query<{ n: number; t: string }>(point, [i, "ü"])),
    );
    expect(rows.map((r) => r[0].n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows[0][0].t).toBe("ü");
    const big = await store.query<{ n: number; pad: string }>(
      {
        name: "tls_big",
        text: "SELECT g AS n, repeat('x', 1000) AS pad FROM generate_series(1, $1::int) g",
      },
      [3000],
    );
    expect(big).toHaveLength(3000);
    expect(big[2999]).toEqual({ n: 3000, pad: "x".repeat(1000) });
    expect(tlsSessions).toBe(2); // both connections went through TLS (setup pool unused)
    await store.close();
  });

  it("DATABASE_URL with sslmode=verify-full and sslrootcert reaches it, as for Aurora with RDS's bundle", async () => {
    const url = `postgres://${s.pg.user}@127.0.0.1:${port}/${s.pg.database}?sslmode=verify-full&sslrootcert=${join(dir, "cert.pem")}`;
    const target = pgFromEnv({ DATABASE_URL: url });
    expect(target?.ssl).toEqual({ rejectUnauthorized: true, ca: cert });
    const store = createPgStore(target!, 1, "wire");
    expect(await store.query({ name: "tls_url", text: "SELECT 41 + 1 AS n" }, [])).toEqual([
      { n: 42 },
    ]);
    await store.close();
    expect(pgFromEnv({ PGHOST: "h", PGSSLMODE: "require" })?.ssl).toEqual({
      rejectUnauthorized: false,
    });
    expect(() =>
      pgFromEnv({ PGHOST: "h", PGSSLMODE: "verify-full", PGSSLROOTCERT: join(dir, "missing.pem") }),
    ).toThrow(/missing\.pem cannot be read.*sslrootcert or PGSSLROOTCERT/);
  });

  it("refuses a server whose certificate is not trusted", async () => {
    const store = createPgStore({ ...s.pg, port, ssl: true }, 1, "wire");
    await expect(store.query({ name: "tls_x", text: "SELECT 1" }, [])).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
    await store.close();
  });
});

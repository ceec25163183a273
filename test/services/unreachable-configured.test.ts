import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { CLEAN_STORE_ENV, runCli } from "../helpers/cli.ts";

/** A local port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectOneLine(stderr: string): void {
  const lines = stderr.trim().split("\n");
  expect(lines.at(-1)).toMatch(/^bellyfed-bench: /);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/**
 * A store the user configured that does not answer: the message names it and
 * says to check it or unset the variable; `services up` (which starts the
 * embedded services) would not help, so it is not suggested.
 */
describe("an unreachable store the environment names", () => {
  it("AWS_ENDPOINT_URL_DYNAMODB: exit 2, names the endpoint, says to check or unset it", async () => {
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    for (const args of [
      ["load", "status"],
      ["run", "trending", "--duration", "2s"],
    ]) {
      const r = await runCli(args, { ...CLEAN_STORE_ENV, AWS_ENDPOINT_URL_DYNAMODB: endpoint });
      expect(r.code, r.stderr).toBe(2);
      expectOneLine(r.stderr);
      expect(r.stderr).toContain(`cannot reach the DynamoDB endpoint ${endpoint}`);
      expect(r.stderr).toMatch(/unset AWS_ENDPOINT_URL_DYNAMODB to use the embedded DynamoDB/);
      expect(r.stderr).not.toMatch(/services up/);
      expect(r.stdout).not.toMatch(/result:/);
    }
  });

  it("AWS_ENDPOINT_URL_DYNAMODB: services status shows it stopped", async () => {
    const port = await closedPort();
    const r = await runCli(["services", "status"], {
      ...CLEAN_STORE_ENV,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}`,
    });
    expect(r.stdout).toMatch(/dynamodb\s+stopped\s+env\s+DynamoDB at http:\/\/127\.0\.0\.1:\d+/);
  });

  it("DATABASE_URL and PGHOST: exit 2, name the server and the variable, no 'services up'", async () => {
    const port = await closedPort();
    const url = await runCli(["load", "status"], {
      ...CLEAN_STORE_ENV,
      DATABASE_URL: `postgres://bench@127.0.0.1:${port}/nowhere`,
    });
    expect(url.code, url.stderr).toBe(2);
    expectOneLine(url.stderr);
    expect(url.stderr).toContain(`cannot reach PostgreSQL bench@127.0.0.1:${port}/nowhere`);
    expect(url.stderr).toMatch(/unset DATABASE_URL to use the embedded PostgreSQL/);
    expect(url.stderr).not.toMatch(/services up/);
    const host = await runCli(["load", "status"], {
      ...CLEAN_STORE_ENV,
      PGHOST: "127.0.0.1",
      PGPORT: String(port),
    });
    expect(host.code, host.stderr).toBe(2);
    expectOneLine(host.stderr);
    expect(host.stderr).toMatch(/check PGHOST \/ PGPORT .*unset PGHOST to use the embedded/);
    expect(host.stderr).not.toMatch(/services up/);
  });
});

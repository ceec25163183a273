import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyFreePort, listensOn } from "../../stores/embedded/ports.ts";
import { readState } from "../../stores/embedded/state.ts";

/** Who holds a listening socket, as the readiness checks ask it (Linux: /proc). */
describe("listensOn", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("this process holds its own listening socket; another process does not", () => {
    expect(listensOn(process.pid, port)).toBe(true);
    expect(listensOn(process.ppid, port)).toBe(false);
  });

  it("nobody listens on a free port", async () => {
    expect(listensOn(process.pid, await anyFreePort())).toBe(false);
  });

  it("the suite's embedded servers hold their own ports, not each other's", () => {
    const { postgres, dynamodb } = readState();
    expect(postgres && dynamodb).toBeTruthy();
    if (!postgres || !dynamodb) return;
    expect(listensOn(postgres.pid, postgres.port)).toBe(true);
    expect(listensOn(dynamodb.pid, dynamodb.port)).toBe(true);
    expect(listensOn(postgres.pid, dynamodb.port)).toBe(false);
    expect(listensOn(dynamodb.pid, postgres.port)).toBe(false);
  });
});

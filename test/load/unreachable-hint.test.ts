import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.ts";
import { loadStatus } from "../../load/index.ts";
import { anyFreePort } from "../../stores/embedded/ports.ts";
import { LOCAL_CREDENTIALS } from "../../stores/env.ts";
import type { Endpoints } from "../../stores/types.ts";

/**
 * The loader's own reachability checks (callers that pass endpoints in, or a
 * server that dies after the CLI checked it): a store the user configured gets
 * "check it or unset the variable", the embedded one gets `services up`.
 */
function endpoints(pgSource: "env" | "embedded", port: number): Endpoints {
  return {
    pg: {
      source: pgSource,
      host: "127.0.0.1",
      port,
      user: "postgres",
      database: "bellyfed",
      description: `PostgreSQL at 127.0.0.1:${port}`,
    },
    dynamo: {
      source: "env",
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      credentials: LOCAL_CREDENTIALS,
      transactions: true,
      tablePrefix: "",
      description: "DynamoDB",
    },
  };
}

describe("loader: the hint for an unreachable store depends on who configured it", () => {
  it("a configured PostgreSQL: check it or unset the variables, no 'services up'", async () => {
    const port = await anyFreePort();
    const err = await loadStatus(endpoints("env", port), false).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(
      /cannot reach PostgreSQL at 127\.0\.0\.1:\d+: .*, or unset (DATABASE_URL|PGHOST) to use the embedded PostgreSQL/,
    );
    expect(err.message).not.toMatch(/services up/);
  });

  it("the embedded PostgreSQL: start it with services up", async () => {
    const port = await anyFreePort();
    const err = await loadStatus(endpoints("embedded", port), false).catch((e) => e);
    expect(err.message).toMatch(/services up/);
  });
});

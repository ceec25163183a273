import {
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { classifyError } from "../../engine/classify.ts";

const pgError = (code: string) => {
  const e = new pg.DatabaseError("server said no", 0, "error");
  e.code = code;
  return e;
};
const sysError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe("error classes", () => {
  it("sorts node-pg errors by SQLSTATE and socket errors by code", () => {
    expect(classifyError(pgError("57014"))).toBe("timeout");
    expect(classifyError(pgError("08006"))).toBe("connection");
    expect(classifyError(pgError("57P01"))).toBe("connection");
    expect(classifyError(pgError("53300"))).toBe("connection");
    expect(classifyError(pgError("42P01"))).toBe("query");
    expect(classifyError(pgError("23505"))).toBe("query");
    expect(classifyError(sysError("ECONNREFUSED"))).toBe("connection");
    expect(classifyError(sysError("ECONNRESET"))).toBe("connection");
    expect(classifyError(sysError("ETIMEDOUT"))).toBe("timeout");
    expect(classifyError(new Error("Connection terminated unexpectedly"))).toBe("connection");
  });

  it("sorts AWS SDK errors by name: throttling, client faults", () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: "slow down",
      $metadata: {},
    });
    expect(classifyError(throttled)).toBe("throttled");
    const throttling = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $fault: "client",
    });
    expect(classifyError(throttling)).toBe("throttled");
    const missing = new ResourceNotFoundException({ message: "no table", $metadata: {} });
    expect(classifyError(missing)).toBe("query");
    const timeout = Object.assign(new Error("socket timed out"), { name: "TimeoutError" });
    expect(classifyError(timeout)).toBe("timeout");
    expect(classifyError(new Error("something else"))).toBe("other");
    expect(classifyError("a string")).toBe("other");
  });
});

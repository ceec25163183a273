import type { ErrorClass } from "../core/result.ts";

/**
 * Sorts an operation's error into one class (result.ts ERROR_CLASSES):
 * - node-pg errors by SQLSTATE: 57014 (statement timeout / cancel) is a
 *   timeout; class 08 (connection exception), 57P01-57P03 (shutdown, cannot
 *   connect now) and 53300 (too many connections) are connection errors;
 *   any other SQLSTATE is a query error.
 * - socket errors by code: ECONNREFUSED, ECONNRESET, EPIPE, ENOTFOUND,
 *   EHOSTUNREACH, EAI_AGAIN, ... are connection errors; ETIMEDOUT a timeout.
 * - AWS SDK errors by name: ProvisionedThroughputExceededException,
 *   ThrottlingException, RequestLimitExceeded, ... (or HTTP 429) are
 *   throttled; TimeoutError/RequestTimeout a timeout; other client faults
 *   (4xx: ValidationException, ResourceNotFoundException, ...) are query errors.
 */
const THROTTLED_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "TransactionInProgressException",
  "LimitExceededException",
]);
const TIMEOUT_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTCONN",
  "ERR_SOCKET_CLOSED",
]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ERR_STREAM_PREMATURE_CLOSE_TIMEOUT",
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function classifyError(e: unknown): ErrorClass {
  if (e === null || typeof e !== "object") return "other";
  const err = e as ErrorLike;
  const code = typeof err.code === "string" ? err.code : "";
  const name = typeof err.name === "string" ? err.name : "";
  if (code.length === 5 && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith("E")) {
    // a PostgreSQL SQLSTATE
    if (code === "57014") return "timeout";
    if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03")
      return "connection";
    if (code === "53300") return "connection";
    return "query";
  }
  if (THROTTLED_NAMES.has(name) || THROTTLED_NAMES.has(code)) return "throttled";
  if (TIMEOUT_NAMES.has(name) || TIMEOUT_CODES.has(code)) return "timeout";
  if (CONNECTION_CODES.has(code)) return "connection";
  const status = err.$metadata?.httpStatusCode;
  if (status === 429) return "throttled";
  if (err.$fault === "client") return "query";
  const message = typeof err.message === "string" ? err.message : "";
  if (
    /Connection terminated|connect ECONN|socket hang up|Client has encountered a connection error/i.test(
      message,
    )
  )
    return "connection";
  if (/timeout|timed out/i.test(message)) return "timeout";
  return "other";
}

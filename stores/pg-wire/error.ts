import pg from "pg";

/** ErrorResponse field codes, named as node-pg names them on its DatabaseError. */
const FIELDS: Record<string, string> = {
  S: "severity",
  C: "code",
  D: "detail",
  H: "hint",
  P: "position",
  p: "internalPosition",
  q: "internalQuery",
  W: "where",
  s: "schema",
  t: "table",
  c: "column",
  d: "dataType",
  n: "constraint",
  F: "file",
  L: "line",
  R: "routine",
};

/**
 * Decodes an ErrorResponse body (fields from `start` to `end`) into the same
 * `pg.DatabaseError` node-pg throws, so error classes and messages do not
 * depend on which client ran the query.
 */
export function decodeError(buf: Buffer, start: number, end: number): pg.DatabaseError {
  const fields: Record<string, string> = {};
  let i = start;
  while (i < end && buf[i] !== 0) {
    const key = String.fromCharCode(buf[i]);
    const zero = buf.indexOf(0, i + 1);
    fields[key] = buf.toString("utf8", i + 1, zero);
    i = zero + 1;
  }
  const err = new pg.DatabaseError(fields.M ?? "unknown server error", end - start + 4, "error");
  const target = err as unknown as Record<string, string | undefined>;
  for (const [k, name] of Object.entries(FIELDS)) target[name] = fields[k];
  // PostgreSQL 9.6+ sends the non-localized severity in V; node-pg prefers it too
  if (fields.V !== undefined) target.severity = fields.V;
  return err;
}

/** The error a query gets when its connection goes away under it (classified as "connection"). */
export function connectionLost(cause?: Error): Error {
  const err = new Error(
    `Connection terminated unexpectedly${cause?.message ? `: ${cause.message}` : ""}`,
  ) as Error & { code?: string };
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string") err.code = code;
  return err;
}

import { redact } from "../../core/errors.ts";

/** One line for errors the user can act on; a stack trace only with BELLYFED_DEBUG=1. */
export function reportError(e: unknown): number {
  const err = e as { exitCode?: number; message?: string; stack?: string } | undefined;
  const code = typeof err?.exitCode === "number" ? err.exitCode : 1;
  const message = redact(String(err?.message ?? e ?? "unknown error").split("\n")[0]);
  process.stderr.write(`bellyfed-bench: ${message}\n`);
  if (process.env.BELLYFED_DEBUG === "1" && err?.stack)
    process.stderr.write(`${redact(err.stack)}\n`);
  return code;
}

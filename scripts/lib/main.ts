import { reportError } from "../cli.ts";

/**
 * Runs a standalone entry point (the bench:* scripts) with the CLI's error
 * handling: one line and exit code 2 for bad input, no stack trace.
 */
export function runMain(fn: (argv: string[]) => Promise<number>): void {
  fn(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.exitCode = reportError(e);
    },
  );
}

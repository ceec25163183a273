import { readFileSync } from "node:fs";
import { UsageError } from "../core/errors.ts";

/**
 * Reads and parses an input file of the capacity report (profile, prices,
 * sweep): a missing or unreadable file, or text that does not parse, is one
 * line naming the flag and the file, and `fix`.
 */
export function readInputFile(
  flag: string,
  file: string | URL,
  parse: (text: string) => unknown,
  fix: string,
): { name: string; data: unknown } {
  const name =
    typeof file === "string" ? file : file.pathname.replace(/^.*\/capacity\//, "capacity/");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--${flag} ${name}: ${code === "ENOENT" ? "no such file" : `cannot read it (${code})`}; ${fix}`,
    );
  }
  try {
    return { name, data: parse(text) };
  } catch (e) {
    const msg = String((e as Error).message).split("\n")[0];
    throw new UsageError(`--${flag} ${name}: it does not parse (${msg}); ${fix}`);
  }
}

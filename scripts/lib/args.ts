import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

export type FlagSpec = Record<
  string,
  {
    type: "string" | "boolean";
    short?: string;
    multiple?: boolean;
    description: string;
    default?: string | boolean;
  }
>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses a command's flags strictly: an unknown flag or a missing value is a
 * UsageError naming the flag and pointing at --help.
 */
export function parseFlags(
  command: string,
  argv: string[],
  spec: FlagSpec,
  allowPositionals = false,
): Parsed {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, s] of Object.entries(spec)) {
    options[name] = { type: s.type };
    if (s.short) options[name].short = s.short;
    if (s.multiple) options[name].multiple = true;
  }
  // `--rate -5`: join a negative number to its flag so the range check can name it
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : undefined;
    if (name && spec[name]?.type === "string" && /^-\d/.test(argv[i + 1] ?? "")) {
      args.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else args.push(argv[i]);
  }
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals,
      strict: true,
    });
    return { values: values as Parsed["values"], positionals };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0].replace(/\. To specify a positional.*$/, "");
    throw new UsageError(`${command}: ${msg}; see 'bellyfed-bench ${command} --help'`);
  }
}

export function helpText(usage: string, summary: string, spec: FlagSpec): string {
  const lines = [`Usage: ${usage}`, "", summary];
  const entries = Object.entries(spec);
  if (entries.length > 0) {
    lines.push("", "Options:");
    for (const [name, s] of entries) {
      const flag = `${s.short ? `-${s.short}, ` : ""}--${name}${s.type === "string" ? " VALUE" : ""}`;
      const def = s.default !== undefined ? ` (default: ${s.default})` : "";
      lines.push(`  ${flag.padEnd(28)} ${s.description}${def}`);
    }
  }
  lines.push(`  ${"-h, --help".padEnd(28)} Show this help`);
  return lines.join("\n");
}

/** "30s", "2m", "500ms", "1h", or a bare number of seconds, as milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m)
    throw new UsageError(`--${flag} '${text}' is not a duration; write it like 30s, 2m or 500ms`);
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const ms =
    unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
  if (!(ms > 0)) throw new UsageError(`--${flag} must be greater than zero (got '${text}')`);
  return ms;
}

/** A positive integer flag, with an upper bound so a typo cannot ask for the impossible. */
export function parsePositiveInt(
  flag: string,
  text: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new UsageError(
      `--${flag} '${text}' is not a positive whole number; write it like --${flag} 8`,
    );
  }
  const n = Number(text);
  if (n <= 0) throw new UsageError(`--${flag} must be greater than zero (got ${text})`);
  if (n > max) throw new UsageError(`--${flag} ${text} is too large; the most allowed is ${max}`);
  return n;
}

/** A positive number (decimals allowed), e.g. a rate in operations per second. */
export function parsePositiveNumber(flag: string, text: string, max = 1e9): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`--${flag} '${text}' is not a number; write it like --${flag} 500`);
  }
  if (n <= 0) throw new UsageError(`--${flag} must be greater than zero (got ${text})`);
  if (n > max) throw new UsageError(`--${flag} ${text} is too large; the most allowed is ${max}`);
  return n;
}

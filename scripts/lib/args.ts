import { parseArgs } from "node:util";
import { closest } from "../../core/closest.ts";
import { UsageError } from "../../core/errors.ts";

export type FlagSpec = Record<
  string,
  {
    type: "string" | "boolean";
    short?: string;
    multiple?: boolean;
    description: string;
    default?: string | boolean;
    /** the value's name in --help (FILE, DURATION, N, ...); guessed from the flag when absent */
    value?: string;
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
    const msg = (e as Error).message
      .split("\n")[0]
      .replace(/\. To specify a positional.*$/, "")
      .replace(/^Unknown option/, "unknown option");
    const unknown = /^unknown option '--([^'=]+)'/.exec(msg)?.[1];
    const near = unknown === undefined ? undefined : closest(unknown, Object.keys(options));
    throw new UsageError(
      `${command}: ${msg}${near ? `; did you mean --${near}?` : ""} (see '${helpCommand(command)}')`,
    );
  }
}

/** The command that prints `command`'s help: `npm run bench:load -- --help` for an npm script. */
export function helpCommand(command: string): string {
  return command.includes(":")
    ? `npm run ${command} -- --help`
    : `bellyfed-bench ${command} --help`;
}

const FILE_FLAGS = /^(out|junit|html|markdown|json|baseline|targets|update-baseline|pgbench)$/;
const DURATION_FLAGS = /(^|-)(duration|warmup|timeout|think-time)$/;
const DIR_FLAGS = /^(out-dir)$/;
const NUMBER_FLAGS =
  /^(iterations|rate|start-rate|vus|max-in-flight|workers|connections|seed|samples|repeat|lanes|rcu|wcu|traffic|pg-port|dynamo-port|dynamo-concurrency|dynamo-rounds)$/;
const NAME_FLAGS = /^(index-set|scenario|proposed|table-prefix|only)$/;

/** FILE, DURATION, N, or the flag's own name in capitals. */
function valueName(name: string, s: FlagSpec[string]): string {
  if (s.value) return s.value;
  if (FILE_FLAGS.test(name)) return "FILE";
  if (DIR_FLAGS.test(name)) return "DIR";
  if (DURATION_FLAGS.test(name)) return "DURATION";
  if (NUMBER_FLAGS.test(name) || (typeof s.default === "string" && /^\d+(\.\d+)?$/.test(s.default)))
    return "N";
  if (NAME_FLAGS.test(name)) return "NAME";
  return name.toUpperCase();
}

export function helpText(usage: string, summary: string, spec: FlagSpec): string {
  const lines = [`Usage: ${usage}`, "", summary];
  const entries = Object.entries(spec);
  if (entries.length > 0) {
    lines.push("", "Options:");
    for (const [name, s] of entries) {
      const flag = `${s.short ? `-${s.short}, ` : ""}--${name}${s.type === "string" ? ` ${valueName(name, s)}` : ""}`;
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
  if (!(ms > 0)) throw new UsageError(`--${flag} must be greater than zero (got ${text})`);
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

import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { closest } from "../core/closest.ts";
import { UsageError } from "../core/errors.ts";
import { SCENARIOS } from "../scenarios/index.ts";
import { readInputFile } from "./input-file.ts";

/**
 * The traffic profile `capacity report --profile FILE` projects: how many
 * users, how many of them are active on a day, and what each active user does
 * in a day (operations per access pattern and write path, by the registry's
 * scenario names). JSON or YAML, validated with zod: a wrong, negative,
 * missing or misspelt field is one line naming it and how to fix it.
 */

export const DEFAULT_PROFILE = new URL("./profiles/default.yaml", import.meta.url);

const positiveInt = z.number().int().positive();

export const ProfileSchema = z.strictObject({
  /** shown in the report */
  name: z.string().min(1).optional(),
  /** user counts to plan for (today); one number or a list */
  users: z.union([positiveInt, z.array(positiveInt).min(1)]),
  /** share of the users active on a day, 0 < x <= 1 */
  dailyActiveShare: z.number().gt(0).lte(1),
  /** operations per active user per day, by scenario name */
  operations: z.record(z.string(), z.number().nonnegative()),
  /** the busiest hour's rate over the day's average, >= 1 */
  peakToAverage: z.number().gte(1),
  /** user growth per month, a fraction (0.05 = 5%) */
  monthlyGrowth: z.number().nonnegative(),
  /** how far ahead to size: users x (1 + monthlyGrowth)^monthsAhead */
  monthsAhead: z.number().int().nonnegative(),
  /**
   * share of a table's or GSI's traffic on its busiest partition-key value
   * where the sweep saw no constant key (assumed; default 0.05)
   */
  hotKeyShare: z.number().gt(0).lte(1).optional(),
});

export type ProfileInput = z.infer<typeof ProfileSchema>;

export interface Profile {
  name: string;
  users: number[];
  dailyActiveShare: number;
  operations: Record<string, number>;
  peakToAverage: number;
  monthlyGrowth: number;
  monthsAhead: number;
  hotKeyShare: number;
  /** where it was read from */
  file: string;
}

const EXAMPLES: Record<string, string> = {
  name: "name: default",
  users: "users: [1000000, 10000000]",
  dailyActiveShare: "dailyActiveShare: 0.2",
  operations: "operations: { best-dishes: 6, rank-dish: 0.3 }",
  peakToAverage: "peakToAverage: 3",
  monthlyGrowth: "monthlyGrowth: 0.05",
  monthsAhead: "monthsAhead: 12",
  hotKeyShare: "hotKeyShare: 0.05",
};

const FIELDS = Object.keys(ProfileSchema.shape);

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function shown(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function typeOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "a list" : typeof v;
}

/** One line for the first problem zod found: the field, what is wrong, how to fix it. */
function problem(issue: z.core.$ZodIssue, data: unknown): string {
  const path = issue.path;
  const field = path.map(String).join(".");
  const top = String(path[0] ?? "");
  const example = EXAMPLES[top] ? `, e.g. ${EXAMPLES[top]}` : "";
  const value = valueAt(data, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0];
      const near = closest(key, FIELDS);
      return `unknown field '${[...path.map(String), key].join(".")}'; ${near ? `did you mean '${near}'?` : `the fields are ${FIELDS.join(", ")}`}`;
    }
    case "invalid_type":
      if (value === undefined) return `'${field}' is missing; add it${example}`;
      return `'${field}' must be ${issue.expected === "record" || issue.expected === "object" ? "a map" : `a ${issue.expected}`}, not ${typeOf(value)} ${shown(value)}${example}`;
    case "too_small":
      if (Array.isArray(value)) return `'${field}' is an empty list; give at least one${example}`;
      return `'${field}' is ${shown(value)}; it must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}${example}`;
    case "too_big":
      return `'${field}' is ${shown(value)}; it must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}${example}`;
    case "invalid_union":
      return `'${field}' must be a whole number above 0 or a list of them (got ${shown(value)})${example}`;
    default:
      return `'${field}' ${issue.message.replace(/^Invalid input: /, "").toLowerCase()} (got ${shown(value)})${example}`;
  }
}

/** Validates parsed profile data; `file` names it in messages. */
export function validateProfile(data: unknown, file: string): Profile {
  const hint = `fix it in ${file} (the shipped one: capacity/profiles/default.yaml)`;
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new UsageError(
      `profile ${file}: expected a map of fields (users, dailyActiveShare, operations, ...); ${hint}`,
    );
  const r = ProfileSchema.safeParse(data);
  if (!r.success) {
    // a misspelt field also shows as the right one missing: name the misspelling
    const issues = r.error.issues;
    const first = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
    throw new UsageError(`profile ${file}: ${problem(first, data)}`);
  }
  const p = r.data;
  const names = Object.keys(SCENARIOS);
  for (const op of Object.keys(p.operations)) {
    if (!SCENARIOS[op]) {
      const near = closest(op, names);
      throw new UsageError(
        `profile ${file}: 'operations.${op}' is not a scenario; ${near ? `did you mean '${near}'?` : `use the names of 'bellyfed-bench run --help': ${names.join(", ")}`}`,
      );
    }
  }
  if (!Object.values(p.operations).some((n) => n > 0))
    throw new UsageError(
      `profile ${file}: 'operations' has no operation above 0 a day; give at least one, e.g. ${EXAMPLES.operations}`,
    );
  const users = (Array.isArray(p.users) ? p.users : [p.users]).slice().sort((a, b) => a - b);
  return {
    name: p.name ?? file.replace(/^.*\//, "").replace(/\.(ya?ml|json)$/, ""),
    users,
    dailyActiveShare: p.dailyActiveShare,
    operations: p.operations,
    peakToAverage: p.peakToAverage,
    monthlyGrowth: p.monthlyGrowth,
    monthsAhead: p.monthsAhead,
    hotKeyShare: p.hotKeyShare ?? 0.05,
    file,
  };
}

/** Reads and validates a profile file (JSON or YAML, by content). */
export function loadProfile(file: string | URL): Profile {
  const { name, data } = readInputFile(
    "profile",
    file,
    (text) => parseYaml(text, { prettyErrors: false }),
    "give a JSON or YAML profile, e.g. --profile capacity/profiles/default.yaml",
  );
  return validateProfile(data, name);
}

import { UsageError } from "../core/errors.ts";
import { TABLES, type TableName } from "./ids.ts";

/**
 * Scale presets and per-table overrides. Parent tables (users, restaurants) have
 * exact counts; child tables are generated per parent with skewed per-parent
 * counts, so a preset or override sets their *expected* size and the exact count
 * (within ~1-2%) comes from `Dataset.count(table)`.
 */
export interface ScaleConfig {
  scale: string;
  seed: number;
  users: number;
  restaurants: number;
  /** means per parent row */
  dishesPerRestaurant: number;
  rankingsPerUser: number;
  badgesPerUser: number;
  followsPerUser: number;
  reviewsPerUser: number;
  commentsPerUser: number;
  /** created_at values fall in [epochMs - windowDays, epochMs) */
  epochMs: number;
  windowDays: number;
}

export type Preset = Pick<
  ScaleConfig,
  | "users"
  | "restaurants"
  | "dishesPerRestaurant"
  | "rankingsPerUser"
  | "badgesPerUser"
  | "followsPerUser"
  | "reviewsPerUser"
  | "commentsPerUser"
>;

const RATIOS = {
  dishesPerRestaurant: 9,
  rankingsPerUser: 12,
  badgesPerUser: 4,
  followsPerUser: 20,
  reviewsPerUser: 3,
  commentsPerUser: 4,
};

export const PRESETS: Readonly<Record<string, Preset>> = {
  tiny: { users: 500, restaurants: 120, ...RATIOS },
  small: { users: 20_000, restaurants: 2_500, ...RATIOS },
  medium: { users: 200_000, restaurants: 25_000, ...RATIOS },
  large: { users: 10_000_000, restaurants: 1_250_000, ...RATIOS },
};

export const SCALE_NAMES = Object.keys(PRESETS);
export const DEFAULT_SCALE = "small";
export const DEFAULT_SEED = 1;
/** The fixed end of the created_at window (never Date.now(): the data must be reproducible). */
export const DEFAULT_EPOCH = "2026-01-01T00:00:00Z";
export const DEFAULT_WINDOW_DAYS = 730;

/** Upper bounds that keep a typo from asking for the impossible (and ids below 2^32). */
export const MAX_ROWS = 2_000_000_000;
export const MAX_USERS = 100_000_000;
export const MAX_RESTAURANTS = 20_000_000;
/** Restaurants needed so every cuisine has at least one. */
export const MIN_RESTAURANTS = 21;

/** Tables whose size can be overridden, and the config field each override sets. */
const OVERRIDABLE: Partial<Record<TableName, keyof Preset>> = {
  users: "users",
  restaurants: "restaurants",
  dishes: "dishesPerRestaurant",
  dish_rankings: "rankingsPerUser",
  user_badges: "badgesPerUser",
  follows: "followsPerUser",
  reviews: "reviewsPerUser",
  comments: "commentsPerUser",
};

export interface ScaleInput {
  /** preset name (default "small") */
  scale?: string;
  /** integer seed, 0..4294967295 (default 1); strings are accepted from flags */
  seed?: number | string;
  /** expected row counts per table, e.g. { users: 1000, follows: 50000 } */
  overrides?: Partial<Record<string, number | string>>;
  /** ISO time the created_at window ends at (default 2026-01-01T00:00:00Z) */
  epoch?: string;
  windowDays?: number | string;
}

function wholeNumber(field: string, v: number | string, fix: string): number {
  const n = typeof v === "number" ? v : /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(`${field} '${v}' is not a whole number; ${fix}`);
  }
  return n;
}

/** Validates a scale request; throws UsageError with one line naming the field and the fix. */
export function resolveScale(input: ScaleInput = {}): ScaleConfig {
  const name = input.scale ?? DEFAULT_SCALE;
  const preset = PRESETS[name];
  if (!preset) {
    throw new UsageError(`unknown scale '${name}'; use one of ${SCALE_NAMES.join(", ")}`);
  }
  const seed = wholeNumber(
    "--seed",
    input.seed ?? DEFAULT_SEED,
    "write it like --seed 42 (0 to 4294967295)",
  );
  if (seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`--seed ${seed} is out of range; use a whole number from 0 to 4294967295`);
  }
  const epochText = input.epoch ?? DEFAULT_EPOCH;
  const epochMs = Date.parse(epochText);
  if (!Number.isFinite(epochMs)) {
    throw new UsageError(
      `--epoch '${epochText}' is not a date; write it like 2026-01-01T00:00:00Z`,
    );
  }
  const windowDays = wholeNumber(
    "--window-days",
    input.windowDays ?? DEFAULT_WINDOW_DAYS,
    "write it like --window-days 730",
  );
  if (windowDays < 1 || windowDays > 36500) {
    throw new UsageError(`--window-days ${windowDays} is out of range; use 1 to 36500 days`);
  }
  const cfg: ScaleConfig = { scale: name, seed, epochMs, windowDays, ...preset };
  const overrides = input.overrides ?? {};
  // parents first: child means are per parent
  const order = Object.keys(overrides).sort(
    (a, b) =>
      Number(b === "users" || b === "restaurants") - Number(a === "users" || a === "restaurants"),
  );
  for (const table of order) {
    const raw = overrides[table];
    if (raw === undefined) continue;
    if (!(TABLES as readonly string[]).includes(table)) {
      throw new UsageError(
        `unknown table '${table}' in row overrides; use one of ${Object.keys(OVERRIDABLE).join(", ")}`,
      );
    }
    const field = OVERRIDABLE[table as TableName];
    if (!field) {
      throw new UsageError(
        `${table} cannot be sized: ${table === "user_activity_points" ? "it follows from rankings, reviews, comments and badges" : "it is fixed reference data"}; override one of ${Object.keys(OVERRIDABLE).join(", ")}`,
      );
    }
    const n = wholeNumber(`rows for ${table}`, raw, `write it like ${table}=1000`);
    if (n <= 0) throw new UsageError(`rows for ${table} must be greater than zero (got ${n})`);
    const max =
      table === "users" ? MAX_USERS : table === "restaurants" ? MAX_RESTAURANTS : MAX_ROWS;
    if (n > max)
      throw new UsageError(`rows for ${table} ${n} is too large; the most allowed is ${max}`);
    if (table === "restaurants" && n < MIN_RESTAURANTS) {
      throw new UsageError(
        `rows for restaurants must be at least ${MIN_RESTAURANTS} (one per cuisine; got ${n})`,
      );
    }
    if (field === "users" || field === "restaurants") cfg[field] = n;
    else cfg[field] = n / (field === "dishesPerRestaurant" ? cfg.restaurants : cfg.users);
  }
  // a user follows at most half the others; an explicit follows count must fit (a
  // preset's mean is simply capped when users are overridden to a small number)
  if (overrides.follows !== undefined && cfg.followsPerUser > (cfg.users - 1) / 4) {
    throw new UsageError(
      `rows for follows allow at most a quarter of users per user (${Math.floor(((cfg.users - 1) / 4) * cfg.users)} for ${cfg.users} users); lower follows or raise users`,
    );
  }
  return cfg;
}

/**
 * Parses "users=1000,follows=50000" (a --rows flag) into overrides; UsageError on bad text.
 */
export function parseRowOverrides(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(",")) {
    const m = /^\s*([a-z_]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m) {
      throw new UsageError(
        `--rows '${part}' is not table=count; write it like --rows users=1000,follows=50000`,
      );
    }
    out[m[1]] = wholeNumber(`rows for ${m[1]}`, m[2], `write it like ${m[1]}=1000`);
  }
  return out;
}

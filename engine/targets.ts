import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsonProblem, UsageError } from "../core/errors.ts";
import {
  layerThresholds,
  parseConfig,
  parseThresholdFlag,
  type Threshold,
  type ThresholdConfig,
} from "../core/thresholds.ts";

/**
 * Default targets live in one file, scenarios/targets.json:
 *
 *   {
 *     "$comment": "k6-style thresholds per scenario; see README 'Thresholds'",
 *     "defaults":  { "errors": ["rate<0.001"] },
 *     "scenarios": {
 *       "leaderboards": { "latency": ["p(95)<25", "p(99)<50"], "throughput": ["throughput>500"] }
 *     }
 *   }
 *
 * A scenario's thresholds are `defaults`, then its own entry, then
 * `--threshold` flags; each layer replaces an expression on the same metric
 * and aggregation (p(95)< replaces p(95)<) and adds the others.
 */
export interface TargetsFile {
  defaults?: ThresholdConfig;
  scenarios?: Record<string, ThresholdConfig>;
}

export const DEFAULT_TARGETS_URL = new URL("../scenarios/targets.json", import.meta.url);

/** Reads and checks a targets file; a missing default file means no targets. */
export function readTargets(file?: string): TargetsFile {
  const path = file ?? fileURLToPath(DEFAULT_TARGETS_URL);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (file === undefined && (e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new UsageError(
      `--targets ${path} cannot be read (${(e as NodeJS.ErrnoException).code}); give a JSON file like scenarios/targets.json`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${path} is not valid JSON (${jsonProblem(e)}); fix the file or pass another with --targets`,
    );
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new UsageError(`${path} must be an object with "defaults" and "scenarios"`);
  }
  const t = json as TargetsFile;
  parseConfig(t.defaults, `${path}: defaults`);
  if (t.scenarios !== undefined) {
    if (t.scenarios === null || typeof t.scenarios !== "object" || Array.isArray(t.scenarios))
      throw new UsageError(`${path}: "scenarios" must map scenario names to thresholds`);
    for (const [name, cfg] of Object.entries(t.scenarios))
      parseConfig(cfg, `${path}: scenarios.${name}`);
  }
  return t;
}

/** The thresholds of one scenario: file defaults, its file entry, then the command-line flags. */
export function thresholdsFor(
  scenario: string,
  targets: TargetsFile,
  flags: string[],
  where = "targets",
  /** file thresholds on these metrics are left out (flags still apply) */
  omitFileMetrics: string[] = [],
): Threshold[] {
  const fromFlags: Threshold[] = [];
  for (const f of flags) {
    const { scenario: only, threshold } = parseThresholdFlag(f);
    if (only === undefined || only === scenario) fromFlags.push(threshold);
  }
  const keep = (t: Threshold) => !omitFileMetrics.includes(t.metric);
  return layerThresholds(
    parseConfig(targets.defaults, `${where}: defaults`).filter(keep),
    parseConfig(targets.scenarios?.[scenario], `${where}: scenarios.${scenario}`).filter(keep),
    fromFlags,
  );
}

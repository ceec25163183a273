/**
 * Reads result files for gate and merge, and refuses anything that is not a
 * result this harness can judge: one UsageError naming the file and the problem.
 * A version 1 result is read as version 2 (results/upgrade.ts).
 */
import { readFileSync } from "node:fs";
import { jsonProblem, UsageError } from "../core/errors.ts";
import { decodeHistogram } from "../core/histogram.ts";
import { RESULT_FORMAT, type RunResult } from "../core/result.ts";
import { READABLE_VERSIONS, upgradeResult } from "./upgrade.ts";

export interface LoadedResult {
  file: string;
  run: RunResult;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function loadResult(file: string): LoadedResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : (code ?? "cannot be read");
    throw new UsageError(
      `${file}: ${why}; pass a result file written by 'bellyfed-bench run --out FILE'`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${file}: not JSON (${jsonProblem(e)}); pass a result file written by 'bellyfed-bench run --out FILE'`,
    );
  }
  validate(file, json);
  return { file, run: upgradeResult(json) };
}

function fail(file: string, problem: string): never {
  throw new UsageError(`${file}: ${problem}`);
}

type AnyVersion = Omit<RunResult, "version"> & { version: number };

function validate(file: string, json: unknown): asserts json is AnyVersion {
  if (!isObject(json)) fail(file, "not a bellyfed-bench result (the JSON is not an object)");
  if (json.format !== RESULT_FORMAT)
    fail(
      file,
      `not a bellyfed-bench result (format is ${JSON.stringify(json.format ?? null)}, expected "${RESULT_FORMAT}")`,
    );
  if (typeof json.version !== "number" || !READABLE_VERSIONS.includes(json.version))
    fail(
      file,
      `result version ${JSON.stringify(json.version ?? null)} is not supported (this harness reads versions ${READABLE_VERSIONS.join(" and ")}); re-run it with this version of bellyfed-bench`,
    );
  if (typeof json.startedAt !== "string" || Number.isNaN(Date.parse(json.startedAt)))
    fail(file, "corrupt result: startedAt is not an ISO time");
  if (typeof json.endedAt !== "string" || Number.isNaN(Date.parse(json.endedAt)))
    fail(file, "corrupt result: endedAt is not an ISO time");
  const data = json.data;
  if (!isObject(data) || typeof data.scale !== "string" || typeof data.seed !== "number")
    fail(file, "corrupt result: data.scale or data.seed is missing");
  if (!isObject(json.environment)) fail(file, "corrupt result: environment is missing");
  if (!Array.isArray(json.scenarios) || json.scenarios.length === 0)
    fail(file, "corrupt result: it holds no scenarios");
  for (const [i, s] of json.scenarios.entries()) validateScenario(file, i, s);
}

function validateScenario(file: string, index: number, s: unknown): void {
  if (!isObject(s) || typeof s.name !== "string")
    fail(file, `corrupt result: scenario #${index + 1} has no name`);
  const where = `scenario ${JSON.stringify(s.name)}`;
  const ops = s.operations;
  if (!isObject(ops) || typeof ops.ok !== "number" || !isObject(ops.errors))
    fail(file, `corrupt result: ${where} has no operation counts`);
  if (typeof s.throughput !== "number" || typeof s.durationMs !== "number")
    fail(file, `corrupt result: ${where} has no throughput or duration`);
  if (!isObject(s.latency) || !isObject(s.serviceTime))
    fail(file, `corrupt result: ${where} has no latency summary`);
  if (!Array.isArray(s.timeSeries)) fail(file, `corrupt result: ${where} has no time series`);
  for (const p of s.timeSeries) {
    if (
      !isObject(p) ||
      typeof p.t !== "number" ||
      typeof p.ops !== "number" ||
      typeof p.p95 !== "number"
    )
      fail(file, `corrupt result: ${where} has a malformed time-series point`);
  }
  if (!Array.isArray(s.thresholds)) fail(file, `corrupt result: ${where} has no thresholds list`);
  for (const t of s.thresholds) {
    if (!isObject(t) || typeof t.expression !== "string" || typeof t.ok !== "boolean")
      fail(file, `corrupt result: ${where} has a malformed threshold`);
  }
  const h = s.histograms;
  if (!isObject(h) || typeof h.latency !== "string" || typeof h.serviceTime !== "string")
    fail(file, `corrupt result: ${where} has no encoded histograms`);
  for (const key of ["latency", "serviceTime"] as const) {
    try {
      decodeHistogram(h[key] as string);
    } catch {
      fail(file, `corrupt result: ${where} histograms.${key} is not an encoded HdrHistogram`);
    }
  }
  // version 2's fields, when present
  if (
    s.windowStart !== undefined &&
    (typeof s.windowStart !== "string" || Number.isNaN(Date.parse(s.windowStart)))
  )
    fail(file, `corrupt result: ${where} windowStart is not an ISO time`);
  if (h.wait !== undefined) {
    try {
      decodeHistogram(h.wait as string);
    } catch {
      fail(file, `corrupt result: ${where} histograms.wait is not an encoded HdrHistogram`);
    }
  }
  if (h.seconds !== undefined) {
    if (!Array.isArray(h.seconds) || h.seconds.length !== s.timeSeries.length)
      fail(
        file,
        `corrupt result: ${where} histograms.seconds does not hold one entry per second of its time series (${s.timeSeries.length})`,
      );
    for (const [i, e] of h.seconds.entries()) {
      if (e === null) continue;
      try {
        decodeHistogram(e as string);
      } catch {
        fail(
          file,
          `corrupt result: ${where} histograms.seconds[${i}] is not an encoded HdrHistogram`,
        );
      }
    }
  }
}

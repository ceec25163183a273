import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeOutputFile } from "../core/output.ts";
import type { RunResult } from "../core/result.ts";

/** The gitignored folder results go to by default: <repo>/results. */
export const RESULTS_DIR = fileURLToPath(new URL("./", import.meta.url));

/** results/<timestamp>-<scenarios>.json, e.g. results/2026-11-24T22-10-05Z-leaderboards.json */
export function defaultResultPath(run: RunResult, dir = RESULTS_DIR): string {
  const stamp = run.startedAt.replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
  const names = run.scenarios.map((s) => s.name).join("+");
  const label = names.length > 80 ? `${run.scenarios.length}-scenarios` : names;
  return join(dir, `${stamp}-${label.replace(/[^A-Za-z0-9+_.-]/g, "_")}.json`);
}

/** Writes the result atomically (temporary file, then rename); returns the path. */
export function writeResult(run: RunResult, file?: string): string {
  const path = resolve(file ?? defaultResultPath(run));
  writeOutputFile(path, `${JSON.stringify(run, null, 2)}\n`);
  return path;
}

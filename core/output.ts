import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./errors.ts";

/**
 * Checks an output path before any work starts, so a run never ends by failing
 * to save what it measured: missing folders are fine (they are created when the
 * file is written), but the nearest existing one must be a folder we may write
 * in, and the path itself must not be a folder. Returns the absolute path.
 */
export function checkOutputPath(flag: string, file: string): string {
  const path = resolve(file);
  if (file === "" || /[\\/]$/.test(file) || (existsSync(path) && statSync(path).isDirectory()))
    throw new UsageError(
      `--${flag} '${file}' is a folder, not a file; give a file name, e.g. ${file.replace(/\/+$/, "") || "."}/out.json`,
    );
  let dir = dirname(path);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory())
    throw new UsageError(
      `--${flag} ${file}: ${dir} is a file, so no folder can be made there; pick another path`,
    );
  try {
    accessSync(dir, constants.W_OK);
    if (existsSync(path)) accessSync(path, constants.W_OK);
  } catch {
    throw new UsageError(
      `--${flag} ${file}: no permission to write ${existsSync(path) ? path : `in ${dir}`}; pick another path`,
    );
  }
  return path;
}

/** Writes a file atomically (a temporary file, then rename), creating missing folders. */
export function writeOutputFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

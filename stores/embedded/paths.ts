import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../../core/errors.ts";

/** The project folder: the one holding bellyfed-bench's package.json. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Where the embedded services keep their data, logs and state: `.bellyfed/`
 * in the project (gitignored), or BELLYFED_HOME.
 */
export function dataRoot(): string {
  return resolve(process.env.BELLYFED_HOME ?? join(PROJECT_ROOT, ".bellyfed"));
}

export const paths = {
  state: () => join(dataRoot(), "services.json"),
  lock: () => join(dataRoot(), "services.lock"),
  pgData: () => join(dataRoot(), "postgres", "data"),
  pgLog: () => join(dataRoot(), "postgres", "postgres.log"),
  dynamoData: () => join(dataRoot(), "dynamodb"),
  dynamoLog: () => join(dataRoot(), "dynamodb", "dynamodb.log"),
};

export function isInitialised(pgData: string): boolean {
  return existsSync(join(pgData, "PG_VERSION"));
}

/** Creates the data folder, or says in one line why it cannot be used. */
export function ensureDataRoot(): string {
  const root = dataRoot();
  try {
    mkdirSync(root, { recursive: true });
    accessSync(root, constants.W_OK);
  } catch (e) {
    throw new UsageError(
      `the data folder ${root} is not writable (${(e as NodeJS.ErrnoException).code ?? "error"}); make it writable or set BELLYFED_HOME to a writable folder`,
    );
  }
  return root;
}

import os from "node:os";
import { describeEnvironment } from "../engine/environment.ts";
import type { Endpoints } from "../stores/types.ts";
import type { OperationCost, SweepDataset, SweepMachine } from "./types.ts";

/**
 * The one place the sweep calls the cost helper's functions: measureCost
 * (capacity/cost.ts), measureDataset and describeMachine (capacity/dataset.ts).
 * They reach this branch when main is merged; until then each falls back to
 * what the sweep can say without them, and says so through `note`. Imported
 * by a computed specifier so this branch type-checks with or without them.
 */
export interface CostCall {
  scenario: string;
  rate: number;
  durationS: number;
  warmupS?: number;
  signal?: AbortSignal;
  endpoints: Endpoints;
  data: { scale: string; seed: number };
  onProgress?: (line: string) => void;
}

type Note = (line: string) => void;

async function optional<T>(file: string, name: string): Promise<T | undefined> {
  const specifier = `./${file}`;
  try {
    const mod = (await import(specifier)) as Record<string, unknown>;
    return mod[name] as T | undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}

export async function operationCost(call: CostCall, note: Note): Promise<OperationCost> {
  const measure = await optional<(o: CostCall) => Promise<OperationCost>>("cost.ts", "measureCost");
  if (measure) return measure(call);
  note(
    `${call.scenario}: cost per operation not measured (capacity/cost.ts is not on this branch)`,
  );
  return { atRate: call.rate, operations: 0 };
}

export async function sweepMachine(endpoints: Endpoints, note: Note): Promise<SweepMachine> {
  const describe = await optional<(e: Endpoints) => Promise<SweepMachine>>(
    "dataset.ts",
    "describeMachine",
  );
  if (describe) return describe(endpoints);
  note("machine: described by the sweep itself (capacity/dataset.ts is not on this branch)");
  const env = await describeEnvironment(endpoints, { postgres: true, dynamodb: true });
  const pgLocal = endpoints.pg.source === "embedded" || isLoopback(endpoints.pg.host);
  return {
    cpus: env.cpus,
    cpuModel: env.cpuModel,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    pgLocal,
    sharedCores: pgLocal,
    postgresVersion: env.postgres?.serverVersion ?? "unknown",
    dynamoEndpoint:
      endpoints.dynamo.source === "embedded-jar"
        ? "dynamodb-local"
        : endpoints.dynamo.source === "dynalite"
          ? "dynalite"
          : endpoints.dynamo.endpoint === undefined
            ? "aws"
            : endpoints.dynamo.endpoint,
  };
}

export async function sweepDataset(
  endpoints: Endpoints,
  data: { scale: string; seed: number },
  note: Note,
): Promise<SweepDataset> {
  const measure = await optional<
    (e: Endpoints, d: { scale: string; seed: number }) => Promise<SweepDataset>
  >("dataset.ts", "measureDataset");
  if (measure) return measure(endpoints, data);
  note("dataset: table sizes not measured (capacity/dataset.ts is not on this branch)");
  const { PRESETS } = await import("../generators/scale.ts");
  return {
    scale: data.scale,
    users: PRESETS[data.scale]?.users ?? 0,
    pgTables: [],
    dynamoTables: [],
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.") || host.startsWith("/");
}

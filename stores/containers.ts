import { spawnSync } from "node:child_process";
import { DEFAULT_DYNAMO_PORT, DEFAULT_PG_PORT } from "./embedded/ports.ts";

/** True when a container engine answers (`docker info`); the docker CLI alone is not enough. */
export function containerRuntimeAvailable(): boolean {
  const out = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], {
    encoding: "utf8",
    timeout: 5000,
  });
  return !out.error && out.status === 0 && out.stdout.trim() !== "";
}

export interface StartedContainers {
  pgPort: number;
  dynamoPort: number;
  ids: string[];
}

/**
 * Starts postgres and amazon/dynamodb-local with testcontainers, matching
 * docker-compose.yml. The Ryuk reaper is disabled so the containers outlive
 * this command; `services down --docker` stops them.
 */
export async function startContainers(): Promise<StartedContainers> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  const { GenericContainer, Wait } = await import("testcontainers");
  const pgC = await new GenericContainer("postgres:18")
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust", POSTGRES_DB: "bellyfed" })
    .withCommand([
      "postgres",
      "-c",
      "shared_preload_libraries=pg_stat_statements",
      "-c",
      "max_connections=200",
    ])
    .withExposedPorts({ container: 5432, host: DEFAULT_PG_PORT })
    .withLabels({ "bellyfed-bench": "postgres" })
    .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
    .start();
  const dynC = await new GenericContainer("amazon/dynamodb-local:latest")
    .withCommand(["-jar", "DynamoDBLocal.jar", "-sharedDb", "-inMemory"])
    .withExposedPorts({ container: 8000, host: DEFAULT_DYNAMO_PORT })
    .withLabels({ "bellyfed-bench": "dynamodb" })
    .start();
  return {
    pgPort: pgC.getMappedPort(5432),
    dynamoPort: dynC.getMappedPort(8000),
    ids: [pgC.getId(), dynC.getId()],
  };
}

/** Stops the containers `services up --docker` started (found by label). */
export function stopContainers(): number {
  const list = spawnSync("docker", ["ps", "-q", "--filter", "label=bellyfed-bench"], {
    encoding: "utf8",
  });
  const ids = list.stdout.split("\n").filter(Boolean);
  if (ids.length > 0) spawnSync("docker", ["rm", "-f", ...ids]);
  return ids.length;
}

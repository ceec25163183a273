import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { UsageError } from "../../scripts/lib/errors.ts";
import { createDynamoClient } from "../dynamo.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../env.ts";
import { paths } from "./paths.ts";
import { isListening } from "./ports.ts";
import { logTail, spawnDetached, stopProcess, waitUntil } from "./process.ts";

const require = createRequire(import.meta.url);

/** DynamoDB Local's jar, shipped inside the amplify-dynamodb-simulator package. */
export function dynamoLocalJar(): string {
  const pkg = require.resolve("amplify-dynamodb-simulator/package.json");
  return join(dirname(pkg), "emulator", "DynamoDBLocal.jar");
}

/** The Java runtime's version line, or undefined when there is none. */
export function javaVersion(): string | undefined {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const out = spawnSync(java, ["-version"], { encoding: "utf8" });
  if (out.error || out.status !== 0) return undefined;
  return (out.stderr || out.stdout).split("\n")[0]?.trim();
}

export interface StartedDynamo {
  pid: number;
  port: number;
  kind: "jar" | "dynalite";
  version: string;
}

/**
 * Starts DynamoDB Local (the AWS jar) with the machine's Java, detached, data
 * on disk; without Java, or when asked, dynalite (pure Node: no transactions).
 */
export async function startEmbeddedDynamo(
  port: number,
  prefer: "jar" | "dynalite" = "jar",
): Promise<StartedDynamo> {
  const dataDir = paths.dynamoData();
  const logFile = paths.dynamoLog();
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch {
    throw new UsageError(
      `the data folder ${dataDir} is not writable; make it writable or set BELLYFED_HOME to a writable folder`,
    );
  }
  const java = prefer === "jar" ? javaVersion() : undefined;
  let kind: "jar" | "dynalite";
  let pid: number;
  let version: string;
  if (java) {
    const jar = dynamoLocalJar();
    if (!existsSync(jar)) {
      throw new UsageError(`DynamoDB Local's jar is missing (${jar}); run npm install`);
    }
    kind = "jar";
    version = "DynamoDB Local";
    const javaBin = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
    pid = await spawnDetached(
      javaBin,
      [
        "-Xmx1g",
        `-Djava.library.path=${join(dirname(jar), "DynamoDBLocal_lib")}`,
        "-jar",
        jar,
        "-port",
        String(port),
        // in memory: BatchWriteItem is about 6x faster than with -dbPath (SQLite on disk);
        // the read models are rebuilt from PostgreSQL by the next load after a restart
        "-inMemory",
        "-sharedDb",
        "-disableTelemetry",
      ],
      logFile,
      { cwd: dataDir },
    );
  } else {
    kind = "dynalite";
    version = "dynalite 4 (no transactions)";
    const cli = join(dirname(require.resolve("dynalite/package.json")), "cli.js");
    pid = await spawnDetached(
      process.execPath,
      [cli, "--host", "127.0.0.1", "--port", String(port), "--path", join(dataDir, "dynalite")],
      logFile,
    );
  }
  const outcome = await waitUntil(() => isDynamoUp(port), {
    pid,
    timeoutMs: 90_000,
    intervalMs: 150,
  });
  if (outcome !== "ready") {
    await stopProcess(pid, "SIGTERM", 2000);
    const tail = logTail(logFile, 6).join(" ");
    if (/BindException|address already in use|EADDRINUSE/i.test(tail)) {
      throw new UsageError(
        `port ${port} is taken; pass --dynamo-port with a free port, or stop what listens there`,
      );
    }
    throw new UsageError(
      `DynamoDB Local did not start (${outcome}); see ${logFile}: ${tail.slice(-300)}`,
    );
  }
  if (kind === "jar") {
    const v = logTail(logFile, 40).find((l) => l.startsWith("Version:"));
    if (v) version = `DynamoDB Local ${v.split(/\s+/)[1]}`;
  }
  return { pid, port, kind, version };
}

export async function isDynamoUp(port: number): Promise<boolean> {
  if (!(await isListening(port))) return false;
  const client = createDynamoClient({
    source: "embedded-jar",
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    transactions: true,
    tablePrefix: "",
    description: "",
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

export async function stopEmbeddedDynamo(pid: number): Promise<void> {
  await stopProcess(pid, "SIGTERM");
}

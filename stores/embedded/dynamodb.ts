import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { UsageError } from "../../core/errors.ts";
import { createDynamoClient } from "../dynamo.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../env.ts";
import { paths } from "./paths.ts";
import { isListening, listensOn, PortTakenError } from "./ports.ts";
import {
  isAlive,
  logOffset,
  logSince,
  logTail,
  spawnDetached,
  stopProcess,
  waitUntil,
} from "./process.ts";

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
  const offset = logOffset(logFile);
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
  // DynamoDB Local that loses the bind logs a BindException and its JVM lives
  // on, while another checkout's server answers on the port: ready only when
  // this pid holds the listening socket (where the platform tells; elsewhere,
  // when the log still shows no failed bind a moment after the first answer).
  const bindFailed = () => BIND_FAILED.test(logSince(logFile, offset));
  const outcome = await waitUntil(() => isOurDynamo(port, pid, bindFailed), {
    pid,
    timeoutMs: 90_000,
    intervalMs: 150,
    failed: bindFailed,
  });
  if (outcome !== "ready") {
    await stopProcess(pid, "SIGTERM", 2000);
    if (bindFailed()) throw new PortTakenError(port, "--dynamo-port");
    const tail = logTail(logFile, 6, offset).join(" ");
    throw new UsageError(
      `DynamoDB Local did not start (${outcome}); see ${logFile}: ${tail.slice(-300)}`,
    );
  }
  if (kind === "jar") {
    const v = logTail(logFile, 40, offset).find((l) => l.startsWith("Version:"));
    if (v) version = `DynamoDB Local ${v.split(/\s+/)[1]}`;
  }
  return { pid, port, kind, version };
}

const BIND_FAILED = /BindException|address already in use|EADDRINUSE/i;

/**
 * The DynamoDB answering on `port` is process `pid`: it holds the listening
 * socket (Linux /proc, else lsof). Where the platform cannot tell, the process
 * lives, answers, and its log shows no failed bind a second after the answer.
 */
async function isOurDynamo(port: number, pid: number, bindFailed: () => boolean): Promise<boolean> {
  const owner = listensOn(pid, port);
  if (owner === false) return false;
  if (!(await isDynamoUp(port))) return false;
  if (owner === true) return true;
  await new Promise((r) => setTimeout(r, 1000));
  return isAlive(pid) && !bindFailed();
}

/** The embedded DynamoDB that `services up` started (pid, port) runs and is the one answering there. */
export async function isEmbeddedDynamoUp(port: number, pid: number): Promise<boolean> {
  return isAlive(pid) && listensOn(pid, port) !== false && (await isDynamoUp(port));
}

/** Something answers DynamoDB's API on 127.0.0.1:port (whoever it is). */
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

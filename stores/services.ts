import pg from "pg";
import { UsageError } from "../core/errors.ts";
import {
  isEmbeddedDynamoUp,
  startEmbeddedDynamo,
  stopEmbeddedDynamo,
} from "./embedded/dynamodb.ts";
import { ensureDataRoot, paths } from "./embedded/paths.ts";
import {
  anyFreePort,
  DEFAULT_DYNAMO_PORT,
  DEFAULT_PG_PORT,
  listensOn,
  PortTakenError,
  pickPort,
  portIsFree,
} from "./embedded/ports.ts";
import {
  EMBEDDED_DATABASE,
  EMBEDDED_USER,
  embeddedWalLevel,
  isEmbeddedPostgresUp,
  startEmbeddedPostgres,
  stopEmbeddedPostgres,
} from "./embedded/postgres.ts";
import { isAlive } from "./embedded/process.ts";
import { readState, type ServicesState, withLock, writeState } from "./embedded/state.ts";
import {
  describePg,
  dynamoEndpointVariable,
  dynamoFromEnv,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  pgFromEnv,
  tablePrefix,
} from "./env.ts";
import { pgClientConfig } from "./postgres.ts";
import type { DynamoTarget, Endpoints, PgTarget } from "./types.ts";

export interface UpOptions {
  /** start embedded services that are not running (default true) */
  start?: boolean;
  pgPort?: number;
  dynamoPort?: number;
  /** use dynalite even when Java is present */
  dynalite?: boolean;
  /** called with one line per step, e.g. to print progress */
  onStep?: (line: string) => void;
}

/** The environment names the embedded services themselves (after `eval "$(services env)"`). */
function pointsAtEmbedded(target: PgTarget, state: ServicesState): boolean {
  return (
    state.postgres !== undefined &&
    ["127.0.0.1", "localhost"].includes(target.host) &&
    target.port === state.postgres.port
  );
}

function dynamoPointsAtEmbedded(target: DynamoTarget, state: ServicesState): boolean {
  if (!state.dynamodb || !target.endpoint) return false;
  try {
    const url = new URL(target.endpoint);
    return (
      ["127.0.0.1", "localhost"].includes(url.hostname) && Number(url.port) === state.dynamodb.port
    );
  } catch {
    return false;
  }
}

export function embeddedPgTarget(port: number, version: string): PgTarget {
  const t = { host: "127.0.0.1", port, user: EMBEDDED_USER, database: EMBEDDED_DATABASE };
  return { source: "embedded", ...t, description: describePg(t, `embedded PostgreSQL ${version}`) };
}

export function embeddedDynamoTarget(
  port: number,
  kind: "jar" | "dynalite",
  version: string,
): DynamoTarget {
  return {
    source: kind === "jar" ? "embedded-jar" : "dynalite",
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    transactions: kind === "jar",
    tablePrefix: tablePrefix(),
    description: `${version} at http://127.0.0.1:${port}`,
  };
}

/**
 * Where the stores are: the servers the environment names, or the embedded
 * services, found running or started now (with `start`, the default).
 */
export async function resolveEndpoints(opts: UpOptions = {}): Promise<Endpoints> {
  const start = opts.start ?? true;
  const state = readState();
  const envPg = pgFromEnv();
  const envDynamo = dynamoFromEnv();
  const wantPg = !envPg || pointsAtEmbedded(envPg, state);
  const wantDynamo = !envDynamo || dynamoPointsAtEmbedded(envDynamo, state);
  let pgTarget = envPg;
  let dynamoTarget = envDynamo;
  if (wantPg || wantDynamo) {
    const up = start
      ? await servicesUp({ ...opts, only: { pg: wantPg, dynamo: wantDynamo } })
      : readState();
    if (wantPg) {
      if (!up.postgres)
        throw new UsageError(
          "the embedded PostgreSQL is not running; run: npx bellyfed-bench services up",
        );
      pgTarget = embeddedPgTarget(up.postgres.port, up.postgres.version);
      // PG variables that name the embedded server may still choose another database on it
      if (envPg && envPg.database !== pgTarget.database) {
        const t = { ...pgTarget, database: envPg.database };
        pgTarget = {
          ...t,
          description: describePg(t, `embedded PostgreSQL ${up.postgres.version}`),
        };
      }
    }
    if (wantDynamo) {
      if (!up.dynamodb)
        throw new UsageError(
          "the embedded DynamoDB is not running; run: npx bellyfed-bench services up",
        );
      dynamoTarget = embeddedDynamoTarget(up.dynamodb.port, up.dynamodb.kind, up.dynamodb.version);
    }
  }
  await Promise.all([
    envPg && !wantPg ? checkReachable(envPg) : undefined,
    envDynamo && !wantDynamo ? checkDynamoReachable(envDynamo) : undefined,
  ]);
  return { pg: pgTarget!, dynamo: dynamoTarget! };
}

/**
 * Connects to `target`, or says in one line (exit 2) that it does not answer
 * and what to do: start the embedded one, or check / unset the variables that
 * named another.
 */
export async function connectPg(target: PgTarget): Promise<pg.Client> {
  const client = new pg.Client({ ...pgClientConfig(target), connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return client;
  } catch (e) {
    await client.end().catch(() => {});
    const why = (e as Error).message || (e as NodeJS.ErrnoException).code || "no answer";
    throw new UsageError(
      `cannot reach ${target.description}: ${why}; ${pgUnreachableHint(target)}`,
    );
  }
}

/** An unreachable configured PostgreSQL is bad input: one line, exit 2. */
export async function checkReachable(target: PgTarget): Promise<void> {
  const client = await connectPg(target);
  await client.end().catch(() => {});
}

function pgUnreachableHint(target: PgTarget): string {
  return target.source === "env"
    ? `check ${pgVariables()}, or unset ${pgVariables("unset")} to use the embedded PostgreSQL`
    : "start it with 'npx bellyfed-bench services up'";
}

/** What to do about a DynamoDB that does not answer (see pgUnreachableHint). */
export function dynamoUnreachableHint(target: DynamoTarget): string {
  if (target.source !== "env") return "start it with 'npx bellyfed-bench services up'";
  if (!target.endpoint) return "check AWS_REGION and the AWS credentials";
  const variable = dynamoEndpointVariable();
  return `check that it runs there, or unset ${variable} to use the embedded DynamoDB`;
}

/** The variables that chose the configured PostgreSQL, for messages. */
function pgVariables(form: "check" | "unset" = "check"): string {
  if (process.env.DATABASE_URL) return "DATABASE_URL";
  return form === "check" ? "PGHOST / PGPORT / PGUSER / PGDATABASE" : "PGHOST";
}

/**
 * A configured DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB) that does not
 * answer is bad input: one line naming it, exit 2. Any HTTP answer counts as
 * reachable: the probe signs with dummy keys, so missing or refused
 * credentials are a later, clearer error. Real DynamoDB (no endpoint) is not
 * probed here.
 */
export async function checkDynamoReachable(target: DynamoTarget): Promise<void> {
  if (!target.endpoint) return;
  const { ListTablesCommand } = await import("@aws-sdk/client-dynamodb");
  const { createDynamoClient } = await import("./dynamo.ts");
  const client = createDynamoClient({ ...target, credentials: LOCAL_CREDENTIALS }, 1);
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), {
      abortSignal: AbortSignal.timeout(5000),
    });
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
    if (err.$metadata?.httpStatusCode !== undefined) return;
    const why =
      err.name === "AbortError" || err.name === "TimeoutError"
        ? "no answer within 5 s"
        : err.message || err.code || err.name || "no answer";
    throw new UsageError(
      `cannot reach the DynamoDB endpoint ${target.endpoint} (${dynamoEndpointVariable()}): ${why}; ${dynamoUnreachableHint(target)}`,
    );
  } finally {
    client.destroy();
  }
}

/** Starts (or finds running) the embedded services; returns what runs. */
export async function servicesUp(
  opts: UpOptions & { only?: { pg: boolean; dynamo: boolean } } = {},
): Promise<ServicesState> {
  const only = opts.only ?? { pg: true, dynamo: true };
  const say = opts.onStep ?? (() => {});
  ensureDataRoot();
  return withLock(async () => {
    const state = readState();
    if (only.pg) {
      const cur = state.postgres;
      let running = cur && isAlive(cur.pid) && (await isEmbeddedPostgresUp(cur.port, cur.pid));
      if (running && cur && (await embeddedWalLevel(cur.port)) !== "logical") {
        // started by an older version of the harness: once, for `bellyfed-bench sync`
        say(
          `PostgreSQL on 127.0.0.1:${cur.port} runs with wal_level=replica: restarting it once with wal_level=logical (for bellyfed-bench sync); data is kept`,
        );
        await stopEmbeddedPostgres(cur.pid);
        running = false;
      }
      if (running && cur) {
        say(`PostgreSQL ${cur.version} already running on 127.0.0.1:${cur.port} (pid ${cur.pid})`);
      } else {
        const preferred = cur?.port ?? DEFAULT_PG_PORT;
        const t0 = Date.now();
        const started = await startOnFreePort(opts.pgPort, preferred, "--pg-port", (p) =>
          startEmbeddedPostgres(p),
        );
        const port = started.port;
        state.postgres = {
          ...started,
          dataDir: paths.pgData(),
          startedAt: new Date().toISOString(),
        };
        writeState(state);
        say(
          `PostgreSQL ${started.version} started on 127.0.0.1:${port}${busyNote(port, preferred, opts.pgPort)} (pid ${started.pid}, ${Date.now() - t0} ms)`,
        );
      }
    }
    if (only.dynamo) {
      const cur = state.dynamodb;
      const wantKind =
        opts.dynalite || process.env.BELLYFED_DYNAMODB === "dynalite" ? "dynalite" : "jar";
      if (
        cur &&
        isAlive(cur.pid) &&
        (await isEmbeddedDynamoUp(cur.port, cur.pid)) &&
        (cur.kind === wantKind || !opts.dynalite)
      ) {
        say(`${cur.version} already running on 127.0.0.1:${cur.port} (pid ${cur.pid})`);
      } else {
        // only a process that still listens on the saved port is ours to stop (a saved pid may be reused)
        if (cur && isAlive(cur.pid) && listensOn(cur.pid, cur.port) !== false)
          await stopEmbeddedDynamo(cur.pid);
        const preferred = cur?.port ?? DEFAULT_DYNAMO_PORT;
        const t0 = Date.now();
        const started = await startOnFreePort(opts.dynamoPort, preferred, "--dynamo-port", (p) =>
          startEmbeddedDynamo(p, wantKind),
        );
        const port = started.port;
        state.dynamodb = {
          ...started,
          dataDir: paths.dynamoData(),
          startedAt: new Date().toISOString(),
        };
        writeState(state);
        if (started.kind === "dynalite" && wantKind === "jar") {
          say(
            "no Java runtime found: using dynalite instead of DynamoDB Local (transactions unavailable); install Java 17 for the AWS jar",
          );
        }
        say(
          `${started.version} started on 127.0.0.1:${port}${busyNote(port, preferred, opts.dynamoPort)} (pid ${started.pid}, ${Date.now() - t0} ms)`,
        );
      }
    }
    return state;
  });
}

/** Said when the preferred port was busy and a free one was taken instead (not for a port asked for). */
function busyNote(port: number, preferred: number, asked: number | undefined): string {
  return asked !== undefined || port === preferred
    ? ""
    : ` (${preferred} is busy: another program or another copy)`;
}

/**
 * Starts a server on the asked port, else the preferred one or a free one. A
 * server that loses the bind (another copy took the port between the check
 * and the bind) is stopped; on a port that was asked for that is one line,
 * otherwise it is tried again on a free port.
 */
async function startOnFreePort<T extends { port: number }>(
  asked: number | undefined,
  preferred: number,
  flag: string,
  start: (port: number) => Promise<T>,
): Promise<T> {
  let port = await choosePort(asked, preferred, flag);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(port);
    } catch (e) {
      if (!(e instanceof PortTakenError) || asked !== undefined || attempt >= 5) throw e;
      port = await anyFreePort();
    }
  }
}

async function choosePort(
  asked: number | undefined,
  preferred: number,
  flag: string,
): Promise<number> {
  if (asked !== undefined) {
    if (!(await portIsFree(asked))) {
      throw new UsageError(
        `port ${asked} is taken; pass ${flag} with a free port, or stop what listens there`,
      );
    }
    return asked;
  }
  return pickPort(preferred);
}

/** Stops the embedded services (data is kept). */
export async function servicesDown(onStep: (line: string) => void = () => {}): Promise<void> {
  ensureDataRoot();
  await withLock(async () => {
    const state = readState();
    if (
      state.postgres &&
      isAlive(state.postgres.pid) &&
      listensOn(state.postgres.pid, state.postgres.port) !== false
    ) {
      await stopEmbeddedPostgres(state.postgres.pid);
      onStep(`PostgreSQL stopped (pid ${state.postgres.pid})`);
    } else onStep("PostgreSQL was not running");
    if (
      state.dynamodb &&
      isAlive(state.dynamodb.pid) &&
      listensOn(state.dynamodb.pid, state.dynamodb.port) !== false
    ) {
      await stopEmbeddedDynamo(state.dynamodb.pid);
      onStep(`DynamoDB stopped (pid ${state.dynamodb.pid})`);
    } else onStep("DynamoDB was not running");
    writeState({
      ...(state.postgres ? { postgres: { ...state.postgres, pid: 0 } } : {}),
      ...(state.dynamodb ? { dynamodb: { ...state.dynamodb, pid: 0 } } : {}),
    });
  });
}

export interface ServiceStatus {
  name: "postgres" | "dynamodb";
  source: string;
  running: boolean;
  detail: string;
}

const answers = (check: Promise<void>): Promise<boolean> =>
  check.then(
    () => true,
    () => false,
  );

/** What each store is and whether it answers; starts nothing. */
export async function servicesStatus(): Promise<ServiceStatus[]> {
  const state = readState();
  const out: ServiceStatus[] = [];
  const envPg = pgFromEnv();
  if (envPg && !pointsAtEmbedded(envPg, state)) {
    const running = await answers(checkReachable(envPg));
    out.push({ name: "postgres", source: "env", running, detail: envPg.description });
  } else {
    const s = state.postgres;
    const running = !!s && isAlive(s.pid) && (await isEmbeddedPostgresUp(s.port, s.pid));
    out.push({
      name: "postgres",
      source: "embedded",
      running,
      detail: s
        ? `PostgreSQL ${s.version} on 127.0.0.1:${s.port}${running ? ` (pid ${s.pid})` : ""}, data ${s.dataDir}`
        : "never started; run: npx bellyfed-bench services up",
    });
  }
  const envDynamo = dynamoFromEnv();
  if (envDynamo && !dynamoPointsAtEmbedded(envDynamo, state)) {
    const running = await answers(checkDynamoReachable(envDynamo));
    out.push({ name: "dynamodb", source: "env", running, detail: envDynamo.description });
  } else {
    const s = state.dynamodb;
    const running = !!s && (await isEmbeddedDynamoUp(s.port, s.pid));
    out.push({
      name: "dynamodb",
      source: s?.kind === "dynalite" ? "dynalite" : "embedded-jar",
      running,
      detail: s
        ? `${s.version} on 127.0.0.1:${s.port}${running ? ` (pid ${s.pid})` : ""}, ${s.kind === "jar" ? "in memory (rebuilt from PostgreSQL by the next load)" : `data ${s.dataDir}`}`
        : "never started; run: npx bellyfed-bench services up",
    });
  }
  return out;
}

/** `export` lines so psql and the AWS CLI reach the same stores. No password is printed. */
export function envLines(endpoints: Endpoints): string[] {
  const { pg: p, dynamo: d } = endpoints;
  const lines = [
    `export PGHOST=${p.host}`,
    `export PGPORT=${p.port}`,
    `export PGUSER=${p.user}`,
    `export PGDATABASE=${p.database}`,
  ];
  if (d.endpoint) lines.push(`export AWS_ENDPOINT_URL_DYNAMODB=${d.endpoint}`);
  lines.push(`export AWS_REGION=${d.region}`);
  if (d.credentials === LOCAL_CREDENTIALS) {
    lines.push(
      `export AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}`,
    );
  }
  return lines;
}

import { readFileSync } from "node:fs";
import { UsageError } from "../core/errors.ts";
import type { DynamoTarget, PgTarget } from "./types.ts";

/** Dummy credentials for local endpoints: DynamoDB Local accepts any. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "us-east-1";

type Env = Record<string, string | undefined>;

/**
 * The PostgreSQL named by the environment: DATABASE_URL, or PGHOST (with
 * PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE). Undefined when neither
 * is set: the embedded PostgreSQL is used then.
 */
export function pgFromEnv(env: Env = process.env): PgTarget | undefined {
  if (env.DATABASE_URL) {
    let url: URL;
    try {
      url = new URL(env.DATABASE_URL);
    } catch {
      throw new UsageError(
        "DATABASE_URL is not a valid URL; write it like postgres://user:password@host:5432/dbname",
      );
    }
    if (!/^postgres(ql)?:$/.test(url.protocol)) {
      throw new UsageError(`DATABASE_URL must start with postgres:// (got ${url.protocol}//...)`);
    }
    const sslmode = url.searchParams.get("sslmode") ?? env.PGSSLMODE;
    const target: PgTarget = {
      source: "env",
      host: decodeURIComponent(url.hostname) || "localhost",
      port: url.port ? Number(url.port) : 5432,
      user: decodeURIComponent(url.username) || env.PGUSER || "postgres",
      database: decodeURIComponent(url.pathname.replace(/^\//, "")) || env.PGDATABASE || "postgres",
      password: url.password ? decodeURIComponent(url.password) : env.PGPASSWORD,
      ssl: sslFor(sslmode, url.searchParams.get("sslrootcert") ?? env.PGSSLROOTCERT),
      description: "",
    };
    target.description = describePg(target, "DATABASE_URL");
    return target;
  }
  if (env.PGHOST) {
    const port = env.PGPORT ? Number(env.PGPORT) : 5432;
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new UsageError(`PGPORT '${env.PGPORT}' is not a port number; set it like PGPORT=5432`);
    }
    const target: PgTarget = {
      source: "env",
      host: env.PGHOST,
      port,
      user: env.PGUSER ?? "postgres",
      database: env.PGDATABASE ?? env.PGUSER ?? "postgres",
      password: env.PGPASSWORD,
      ssl: sslFor(env.PGSSLMODE, env.PGSSLROOTCERT),
      description: "",
    };
    target.description = describePg(target, "PG* variables");
    return target;
  }
  return undefined;
}

function sslFor(
  mode: string | null | undefined,
  rootCert: string | null | undefined,
): PgTarget["ssl"] {
  if (!mode || mode === "disable" || mode === "allow" || mode === "prefer") return undefined;
  // require: encrypt without verifying (libpq's meaning); verify-*: verify the server certificate
  const ssl: NonNullable<Exclude<PgTarget["ssl"], boolean>> = {
    rejectUnauthorized: mode.startsWith("verify"),
  };
  // sslrootcert / PGSSLROOTCERT: the CA bundle to verify against (for Aurora, RDS's global-bundle.pem)
  if (rootCert && rootCert !== "system") {
    try {
      ssl.ca = readFileSync(rootCert);
    } catch {
      throw new UsageError(
        `the SSL root certificate ${rootCert} cannot be read; give the path of a PEM file (for Aurora: global-bundle.pem from truststore.pki.rds.amazonaws.com) in sslrootcert or PGSSLROOTCERT`,
      );
    }
  }
  return ssl;
}

export function describePg(
  t: Pick<PgTarget, "host" | "port" | "database" | "user">,
  from: string,
): string {
  return `PostgreSQL ${t.user}@${t.host}:${t.port}/${t.database} (${from})`;
}

/**
 * The DynamoDB named by the environment:
 * - AWS_ENDPOINT_URL_DYNAMODB: that endpoint (DynamoDB Local, LocalStack, ...);
 * - BELLYFED_DYNAMODB=aws, or AWS_PROFILE / AWS_ACCESS_KEY_ID with AWS_REGION: real
 *   DynamoDB in AWS_REGION, credentials from the SDK's default chain.
 * Undefined otherwise (or with BELLYFED_DYNAMODB=embedded): the embedded DynamoDB Local.
 */
export function dynamoFromEnv(env: Env = process.env): DynamoTarget | undefined {
  const prefix = tablePrefix(env);
  const mode = env.BELLYFED_DYNAMODB;
  if (mode && !["embedded", "dynalite", "aws"].includes(mode)) {
    throw new UsageError(`BELLYFED_DYNAMODB '${mode}' is not one of embedded, dynalite, aws`);
  }
  if (mode === "embedded" || mode === "dynalite") return undefined;
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (endpoint && mode !== "aws") {
    try {
      new URL(endpoint);
    } catch {
      throw new UsageError(
        `${dynamoEndpointVariable(env)} '${endpoint}' is not a URL; write it like http://127.0.0.1:8000`,
      );
    }
    const local = /^https?:\/\/(localhost|127\.|\[::1\])/.test(endpoint);
    return {
      source: "env",
      endpoint,
      region: region ?? LOCAL_REGION,
      // a local endpoint takes any keys; a remote one uses the SDK chain
      credentials:
        local && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE ? LOCAL_CREDENTIALS : undefined,
      transactions: true,
      tablePrefix: prefix,
      description: `DynamoDB at ${endpoint} (${dynamoEndpointVariable(env)})`,
    };
  }
  const hasCredentials = Boolean(
    env.AWS_PROFILE || env.AWS_ACCESS_KEY_ID || env.AWS_WEB_IDENTITY_TOKEN_FILE,
  );
  if (mode === "aws" || (region && hasCredentials)) {
    if (!region) {
      throw new UsageError(
        "real DynamoDB needs a region; set AWS_REGION, e.g. AWS_REGION=us-east-1",
      );
    }
    return {
      source: "env",
      region,
      transactions: true,
      tablePrefix: prefix,
      description: `DynamoDB in ${region} (${env.AWS_PROFILE ? `profile ${env.AWS_PROFILE}` : "AWS credentials from the environment"})`,
    };
  }
  return undefined;
}

/** The variable that names the DynamoDB endpoint (for messages). */
export function dynamoEndpointVariable(env: Env = process.env): string {
  return env.AWS_ENDPOINT_URL_DYNAMODB ? "AWS_ENDPOINT_URL_DYNAMODB" : "AWS_ENDPOINT_URL";
}

export function tablePrefix(env: Env = process.env): string {
  const p = env.BELLYFED_TABLE_PREFIX ?? "";
  if (!/^[A-Za-z0-9_.-]*$/.test(p) || p.length > 100) {
    throw new UsageError(
      `BELLYFED_TABLE_PREFIX '${p}' may hold only letters, digits, '_', '-' and '.' (at most 100)`,
    );
  }
  return p;
}

/**
 * Where the stores are. `resolveEndpoints()` (stores/services.ts) returns this:
 * the embedded services it started or found running, or the servers named by
 * the environment (PG* / DATABASE_URL, the AWS SDK environment).
 */
export interface PgTarget {
  source: "embedded" | "env" | "docker";
  host: string;
  port: number;
  user: string;
  database: string;
  /** never printed; see describe() */
  password?: string;
  /** TLS: true, or node tls options (rejectUnauthorized; ca, the PEM of a CA bundle such as RDS's) */
  ssl?: boolean | { rejectUnauthorized?: boolean; ca?: string | Buffer };
  /** e.g. "embedded PostgreSQL 18.4 at 127.0.0.1:55432/bellyfed" (no secrets) */
  description: string;
}

export interface DynamoTarget {
  source: "embedded-jar" | "dynalite" | "env" | "docker";
  /** undefined for real DynamoDB (the SDK picks the regional endpoint) */
  endpoint?: string;
  region: string;
  /** set for local endpoints (dummy keys); undefined means the SDK's default chain */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** DynamoDB Local supports TransactWriteItems; dynalite does not */
  transactions: boolean;
  /** prepended to every table name, so several runs can share one account */
  tablePrefix: string;
  description: string;
}

export interface Endpoints {
  pg: PgTarget;
  dynamo: DynamoTarget;
}

/** A named, parameterized statement: prepared once per connection. */
export interface Statement {
  name: string;
  text: string;
}

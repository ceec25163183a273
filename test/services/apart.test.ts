import { chmodSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { anyFreePort } from "../../stores/embedded/ports.ts";
import { CLEAN_STORE_ENV, type CliResult, runCli } from "../helpers/cli.ts";

/**
 * Two checkouts (two BELLYFED_HOME folders) starting their services at the
 * same moment on the same port: each must end up with its own servers, or
 * say in one line that the port it asked for was taken. (The failure this
 * guards against: DynamoDB Local lost the bind, its JVM stayed alive, and the
 * harness saved the other checkout's server as its own.)
 */
function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), "bellyfed-apart-"));
  chmodSync(home, 0o755); // as root, postgres runs as its own user and must enter it
  return home;
}

const homes = [newHome(), newHome()];
const envOf = (home: string) => ({ ...CLEAN_STORE_ENV, BELLYFED_HOME: home });

function exportsOf(text: string): Record<string, string> {
  return Object.fromEntries(
    [...text.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]] as [string, string]),
  );
}

async function endpointsOf(home: string) {
  const printed = await runCli(["services", "env"], envOf(home));
  expect(printed.code, printed.stderr).toBe(0);
  return exportsOf(printed.stdout);
}

async function dataDirectory(vars: Record<string, string>): Promise<string> {
  const client = new pg.Client({
    host: vars.PGHOST,
    port: Number(vars.PGPORT),
    user: vars.PGUSER,
    database: vars.PGDATABASE,
  });
  await client.connect();
  try {
    return (await client.query("SHOW data_directory")).rows[0].data_directory as string;
  } finally {
    await client.end();
  }
}

function dynamo(vars: Record<string, string>): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: vars.AWS_ENDPOINT_URL_DYNAMODB,
    region: vars.AWS_REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

/** Processes whose working folder is this home's DynamoDB folder (DynamoDB Local runs there). */
function jvmsIn(home: string): number[] {
  const dir = join(home, "dynamodb");
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

const noStack = (r: CliResult) => expect(r.stderr).not.toMatch(/^\s+at /m);

describe("two homes' services started at once stay apart", () => {
  afterAll(async () => {
    await Promise.all(homes.map((h) => runCli(["services", "down"], envOf(h))));
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it("both prefer the same free ports: each gets its own servers, the loser moves to a free port and says so", async () => {
    const [pgPort, dynamoPort] = [await anyFreePort(), await anyFreePort()];
    // As two checkouts that last ran on the same ports: both prefer them now.
    for (const h of homes) {
      writeFileSync(
        join(h, "services.json"),
        JSON.stringify({
          postgres: { pid: 0, port: pgPort, dataDir: "", version: "", startedAt: "" },
          dynamodb: {
            pid: 0,
            port: dynamoPort,
            kind: "jar",
            dataDir: "",
            version: "",
            startedAt: "",
          },
        }),
      );
    }
    const ups = await Promise.all(homes.map((h) => runCli(["services", "up"], envOf(h))));
    for (const up of ups) expect(up.code, up.stderr).toBe(0);
    // The collision really happened: DynamoDB Local takes seconds to bind, so both
    // checked the port while it was free, and one lost the bind.
    const said = ups.map((u) => u.stderr).join("\n");
    expect(said).toMatch(new RegExp(`started on 127\\.0\\.0\\.1:\\d+ \\(${dynamoPort} is busy`));

    const [a, b] = await Promise.all(homes.map(endpointsOf));
    expect(a.PGPORT).not.toBe(b.PGPORT);
    expect(a.AWS_ENDPOINT_URL_DYNAMODB).not.toBe(b.AWS_ENDPOINT_URL_DYNAMODB);

    // PostgreSQL: each home's port serves that home's own data directory.
    expect(await dataDirectory(a)).toBe(join(homes[0], "postgres", "data"));
    expect(await dataDirectory(b)).toBe(join(homes[1], "postgres", "data"));

    // DynamoDB: a table created through one is absent in the other.
    const [da, db] = [dynamo(a), dynamo(b)];
    try {
      await da.send(
        new CreateTableCommand({
          TableName: "apart_probe",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      expect((await da.send(new ListTablesCommand({}))).TableNames).toContain("apart_probe");
      expect((await db.send(new ListTablesCommand({}))).TableNames).not.toContain("apart_probe");
    } finally {
      da.destroy();
      db.destroy();
    }
  }, 240_000);

  it("both ask for the same --dynamo-port: one gets it, the other fails in one line and leaves no server behind", async () => {
    await Promise.all(homes.map((h) => runCli(["services", "down"], envOf(h))));
    const dynamoPort = await anyFreePort();
    const pgPorts = [await anyFreePort(), await anyFreePort()];
    const ups = await Promise.all(
      homes.map((h, i) =>
        runCli(
          ["services", "up", "--pg-port", String(pgPorts[i]), "--dynamo-port", String(dynamoPort)],
          envOf(h),
        ),
      ),
    );
    const winners = ups.filter((u) => u.code === 0);
    const losers = ups.filter((u) => u.code !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const [loser] = losers;
    expect(loser.code).toBe(2);
    noStack(loser);
    const lines = loser.stderr.trim().split("\n");
    expect(lines.at(-1)).toBe(
      `bellyfed-bench: port ${dynamoPort} is taken; pass --dynamo-port with a free port, or stop what listens there`,
    );
    expect(winners[0].stderr).toMatch(
      new RegExp(`DynamoDB Local .* started on 127\\.0\\.0\\.1:${dynamoPort} \\(pid`),
    );
    // the loser's DynamoDB Local (whose bind failed) is not left running
    const loserHome = homes[ups.indexOf(loser)];
    expect(jvmsIn(loserHome)).toEqual([]);
    const winnerHome = homes[ups.indexOf(winners[0])];
    expect(jvmsIn(winnerHome)).toHaveLength(1);
  }, 240_000);
});

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadIndexSet } from "../../schema/index.ts";
import { pgClientConfig } from "../../stores/postgres.ts";
import { PROBE_INDEXES } from "../../tuning/probe-ab.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/** `npm run bench:probes-ab` end to end on `tiny` in a scratch database and DynamoDB prefix. */
let scratch: Scratch;
let dir: string;

beforeAll(async () => {
  scratch = await scratchStores("probes_ab");
  dir = mkdtempSync(join(tmpdir(), "bb-probes-ab-"));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await scratch?.cleanup();
});

const SCRIPT = fileURLToPath(new URL("../../scripts/bench/probes-ab.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

function runScript(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(TSX, [SCRIPT, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

it("measures each probe with and without its index and nearby on the geo set, then leaves seed as it was", async () => {
  const { user, password, host, port, database } = scratch.pg;
  const url = `postgres://${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ""}@${host}:${port}/${database}`;
  const out = join(dir, "ab.json");
  const r = await runScript(
    [
      "--scale",
      "tiny",
      "--duration",
      "500ms",
      "--warmup",
      "300ms",
      "--vus",
      "1",
      "--insert-rows",
      "50",
      "--out",
      out,
    ],
    { DATABASE_URL: url, BELLYFED_TABLE_PREFIX: scratch.dynamo.tablePrefix },
  );
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.code).toBe(0);
  const rows = (
    JSON.parse(readFileSync(out, "utf8")) as {
      rows: Array<{
        probe: string;
        variant: string;
        figures: { p95: number; throughput: number };
        indexBytes: number;
        insertRowsPerSecond: number | null;
        verdict?: string;
      }>;
    }
  ).rows;
  expect(rows.map((x) => `${x.probe}: ${x.variant}`)).toEqual([
    ...PROBE_INDEXES.flatMap((p) => [`${p.probe}: with ${p.index}`, `${p.probe}: without it`]),
    "nearby: geo fix: idx_restaurants_geo_gist instead",
  ]);
  for (const x of rows) {
    expect(x.figures.throughput, x.variant).toBeGreaterThan(0);
    expect(x.insertRowsPerSecond, x.variant).toBeGreaterThan(0);
  }
  for (const x of rows.filter((y) => y.variant !== "without it")) {
    expect(x.indexBytes, x.variant).toBeGreaterThan(0);
    expect(x.verdict, x.variant).toMatch(
      /^(keep|drop|against the btree: (adopt|keep the btree)): /,
    );
  }
  // the table on stdout, one line per row
  expect(r.stdout.split("\n").filter((l) => l.startsWith("| ")).length).toBe(rows.length + 1);

  // every index of seed is back, the GiST is gone, seed is the active set
  const c = new pg.Client(pgClientConfig(scratch.pg));
  await c.connect();
  try {
    const { rows: ix } = await c.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
    );
    const names = new Set(ix.map((i) => i.indexname));
    for (const want of loadIndexSet("seed").indexes)
      expect(names.has(want.name), want.name).toBe(true);
    expect(names.has("idx_restaurants_geo_gist")).toBe(false);
  } finally {
    await c.end();
  }
}, 600_000);

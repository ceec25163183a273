import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSchema } from "../../scripts/commands/schema.ts";
import { CLEAN_STORE_ENV, runCli } from "../helpers/cli.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

let scratch: Scratch;

async function schema(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runSchema(args, {
    out: (l) => lines.push(l),
    endpoints: async () => scratch,
    interactive: false,
  });
  return { code, lines };
}

beforeAll(async () => {
  scratch = await scratchStores("schema-cli");
});

afterAll(async () => {
  await scratch?.cleanup();
});

describe("bellyfed-bench schema", () => {
  it("apply creates everything, and a second apply changes nothing and says so", async () => {
    const first = await schema(["apply"]);
    expect(first.code).toBe(0);
    expect(first.lines).toContain("  created table users");
    expect(first.lines).toContain("  created index idx_rankings_user");
    expect(first.lines).toContain("  added foreign key comments_review_id_fkey");
    expect(first.lines).toContain("  created function bellyfed_activity_feed");
    expect(first.lines.filter((l) => l.startsWith("  created DynamoDB table"))).toHaveLength(3);
    expect(first.lines.at(-1)).toMatch(
      /^schema applied \(\d+ changes\): 11 tables, index set seed, 3 DynamoDB tables$/,
    );
    const second = await schema(["apply"]);
    expect(second).toEqual({
      code: 0,
      lines: ["schema is up to date: 11 tables, index set seed, 3 DynamoDB tables"],
    });
  });

  it("status shows tables, the active index set, foreign keys and marked DynamoDB tables", async () => {
    const { code, lines } = await schema(["status"]);
    const text = lines.join("\n");
    expect(code).toBe(0);
    expect(text).toMatch(/marker: created \S+ by bellyfed-bench, schema version 1/);
    expect(text).toMatch(/tables: 11\/11/);
    expect(text).toMatch(/^ {4}dish_rankings +~0 rows$/m);
    expect(text).toMatch(/index set: seed \(12\/12 indexes\)/);
    expect(text).toMatch(/foreign keys: 14\/14/);
    expect(text).toMatch(/feed function bellyfed_activity_feed: present/);
    expect(text).toMatch(
      /BellyfedUserPopularity +ACTIVE, on-demand, 0 items, marked bellyfed-bench/,
    );
    expect(text).toMatch(
      /GSI TrendingScoreIndex: location_id:HASH,trending_score:RANGE, projection ALL, ACTIVE/,
    );
    const json = JSON.parse((await schema(["status", "--json"])).lines.join("\n"));
    expect(json.postgres.indexSet.active).toBe("seed");
    expect(json.dynamodb.tables).toHaveLength(3);
  });

  it("reset drops what apply created, in both stores", async () => {
    const { code, lines } = await schema(["reset", "--yes"]);
    expect(code).toBe(0);
    expect(lines).toContain("  dropped table users");
    expect(lines).toContain("  dropped marker bellyfed_bench_marker");
    expect(lines.filter((l) => l.startsWith("  deleted DynamoDB table"))).toHaveLength(4);
    const status = (await schema(["status"])).lines.join("\n");
    expect(status).toMatch(/tables: 0\/11/);
    expect(status).toMatch(/marker: none/);
  });

  it("answers bad input with one line and exit code 2, before touching a store", async () => {
    const cases: [string[], RegExp][] = [
      [["schema", "apply", "--index-set", "nope"], /unknown index set 'nope'; available: .*seed/],
      [["schema", "apply", "--only", "mysql"], /--only 'mysql' is not a store/],
      [["schema", "apply", "--billing", "free"], /--billing 'free' is not a billing mode/],
      [["schema", "apply", "--rcu", "5"], /add --billing provisioned/],
      [
        ["schema", "apply", "--billing", "provisioned", "--wcu", "-1"],
        /--wcu '-1' is not a positive whole number/,
      ],
      [["schema", "frobnicate"], /unknown subcommand 'frobnicate'/],
      [["schema", "status", "--bogus"], /schema status: unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      // a PostgreSQL that does not exist: reaching for a store would fail differently
      const r = await runCli(args, { ...CLEAN_STORE_ENV, PGHOST: "127.0.0.1", PGPORT: "1" });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
  });

  it("prints help for the command and each subcommand", async () => {
    for (const args of [
      ["schema", "--help"],
      ["schema", "apply", "--help"],
      ["schema", "reset", "-h"],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: bellyfed-bench schema/);
    }
    expect((await runCli(["schema", "apply", "--help"])).stdout).toMatch(/--index-set NAME/);
  });
});

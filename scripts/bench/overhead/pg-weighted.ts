import type { Rng, Scenario } from "../../../engine/scenario.ts";
import type { PgStore, Statement } from "../../../stores/postgres.ts";

/**
 * The latency comparison's operation (`bench:overhead --only latency`): one
 * prepared point query whose account comes from a weighted parameter table.
 * `overhead_params` holds PARAM_ROWS keys, each naming an account; hot accounts
 * are named by many keys, so drawing a key uniformly draws accounts by weight.
 * pgbench draws the key with `random(1, PARAM_ROWS)` and joins the table into
 * the statement; the harness reads the table's keys in setup() and draws one
 * the same way, then runs the same statement. Both send the same SQL with the
 * same distribution of parameters.
 */
export const PARAM_TABLE = "overhead_params";
export const PARAM_ROWS = 10_000;

export const WEIGHTED_POINT: Statement = {
  name: "overhead_weighted",
  text: `SELECT a.abalance FROM pgbench_accounts a JOIN ${PARAM_TABLE} p ON p.aid = a.aid WHERE p.k = $1`,
};

/** The same transaction as a pgbench script (`-f`, with `-M prepared`). */
export function pgbenchScript(): string {
  return `\\set k random(1, ${PARAM_ROWS})\n${WEIGHTED_POINT.text.replace("$1", ":k")};\n`;
}

/**
 * SQL that fills the parameter table: account ids skewed towards the low end
 * (aid = 1 + floor(accounts * u^3) for uniform u, seeded), so about a fifth of
 * the keys name the first 1% of accounts.
 */
export function paramTableSql(accounts: number): string[] {
  return [
    `DROP TABLE IF EXISTS ${PARAM_TABLE}`,
    `CREATE TABLE ${PARAM_TABLE} (k int PRIMARY KEY, aid int NOT NULL)`,
    "SELECT setseed(0.42)",
    `INSERT INTO ${PARAM_TABLE} SELECT g, 1 + floor(${accounts} * power(random(), 3))::int FROM generate_series(1, ${PARAM_ROWS}) g`,
    `VACUUM ANALYZE ${PARAM_TABLE}`,
  ];
}

interface State {
  pg: PgStore;
  keys: Int32Array;
}

const scenario: Scenario<State, number[]> = {
  name: "overhead-pg-weighted",
  description: "prepared point SELECT, account drawn from a weighted parameter table",
  stores: ["postgres"],
  async setup(ctx) {
    const pg = ctx.pg!;
    const r = await pg.pool.query<{ k: number }>(`SELECT k FROM ${PARAM_TABLE} ORDER BY k`);
    return { pg, keys: Int32Array.from(r.rows, (row) => row.k) };
  },
  sample(state: State, rng: Rng): number[] {
    return [state.keys[Math.floor(rng.next() * state.keys.length)]];
  },
  async operation(state: State, params: number[]): Promise<void> {
    await state.pg.query(WEIGHTED_POINT, params);
  },
};

export default scenario;

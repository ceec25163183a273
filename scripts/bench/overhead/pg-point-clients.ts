import type pg from "pg";
import type { Rng, Scenario } from "../../../engine/scenario.ts";

/**
 * The same pgbench -S point query on a leaner path than PgStore.query: the
 * setup checks out every connection of the pool once and each operation
 * takes an idle client from a stack and puts it back (no pool checkout and
 * release per query, rows as arrays). Measures what a store without per-query pool overhead would gain.
 */
const POINT = {
  name: "overhead_point",
  text: "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
};

interface State {
  clients: pg.PoolClient[];
  idle: pg.PoolClient[];
  accounts: number;
}

const scenario: Scenario<State, number[]> = {
  name: "overhead-pg-point-clients",
  description: "pgbench -S on dedicated clients (no per-query pool checkout)",
  stores: ["postgres"],
  async setup(ctx) {
    const pool = ctx.pg!.pool;
    const clients = await Promise.all(
      Array.from({ length: ctx.connections }, () => pool.connect()),
    );
    const r = await clients[0].query<{ n: string }>("SELECT count(*) AS n FROM pgbench_branches");
    return { clients, idle: [...clients], accounts: Number(r.rows[0].n) * 100_000 };
  },
  sample(state: State, rng: Rng): number[] {
    return [1 + Math.floor(rng.next() * state.accounts)];
  },
  async operation(state: State, params: number[]): Promise<void> {
    // one VU per connection: an idle client is always there
    const c = state.idle.pop()!;
    try {
      await c.query({ name: POINT.name, text: POINT.text, values: params, rowMode: "array" });
    } finally {
      state.idle.push(c);
    }
  },
  async teardown(state: State) {
    for (const c of state.clients) c.release();
  },
};

export default scenario;

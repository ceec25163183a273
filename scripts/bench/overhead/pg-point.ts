import type { Rng, Scenario } from "../../../engine/scenario.ts";
import type { PgStore, Statement } from "../../../stores/postgres.ts";

/**
 * The overhead benchmark's PostgreSQL operation: pgbench's select-only
 * transaction (`pgbench -S -M prepared`), one prepared point query by
 * primary key on pgbench_accounts, through the harness's PgStore.
 */
const POINT: Statement = {
  name: "overhead_point",
  text: "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
};

interface State {
  pg: PgStore;
  accounts: number;
}

const scenario: Scenario<State, number[]> = {
  name: "overhead-pg-point",
  description: "pgbench -S: prepared point SELECT on pgbench_accounts",
  stores: ["postgres"],
  async setup(ctx) {
    const pg = ctx.pg!;
    const r = await pg.pool.query<{ n: string }>("SELECT count(*) AS n FROM pgbench_branches");
    return { pg, accounts: Number(r.rows[0].n) * 100_000 };
  },
  sample(state: State, rng: Rng): number[] {
    return [1 + Math.floor(rng.next() * state.accounts)];
  },
  async operation(state: State, params: number[]): Promise<void> {
    await state.pg.query(POINT, params);
  },
};

export default scenario;

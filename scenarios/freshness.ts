/**
 * Freshness: how long after a PostgreSQL commit the DynamoDB read model shows
 * it (issue 16). The projector (sync/projector.ts, over the harness's pgoutput
 * slot) runs in this process for the whole run; each operation is a probe:
 *
 *   1. a follow, or an unfollow where the pair already follows (the draws
 *      are seeded: a second run draws the same pairs, and every probe must
 *      change something), in one transaction that also reads the followed
 *      user's follower count as of the commit (n);
 *   2. consistent GetItems on the user's popularity item (BellyfedUserPopularity)
 *      until its follower_count reaches n (>= n after a follow, <= n after an
 *      unfollow). Two probes on one followed user at once are never run by
 *      one generator (the second measures nothing): their changes could
 *      cancel out before a poll saw the first.
 *
 * End to end (`freshness`): from the commit's acknowledgement to the client to
 * the response of the first GetItem that shows it (an upper bound by up to one
 * poll interval and one GetItem). Per change (`sync_lag`): the projector's own
 * DynamoDB acknowledgement minus the transaction's commit time, once per row
 * change (every change the projector applies in the window, not only the
 * probes'). The slot's lag in bytes is sampled each second into the series.
 * Warm-up excluded from all three.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { nowUs } from "../core/clock.ts";
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  recordUs,
} from "../core/histogram.ts";
import type { Scenario, ScenarioFigures } from "../engine/scenario.ts";
import { currentDatabase, slotName } from "../load/replication.ts";
import { ATTR, USER_POPULARITY_TABLE } from "../schema/index.ts";
import type { DynamoStore } from "../stores/dynamo.ts";
import {
  type PgStore,
  pgClientConfig,
  type Statement,
  type TransactionOptions,
} from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";
import { type Projector, startProjector } from "../sync/projector.ts";
import type { WeightedPool } from "./lib/alias.ts";
import { readPool } from "./lib/pools.ts";
import { DataClock, writeOptions } from "./lib/writes.ts";

const PROBE_FOLLOW: Statement = {
  name: "bellyfed_freshness_follow",
  text: `INSERT INTO follows (follow_id, follower_id, followed_id, created_at)
SELECT $1, $2::uuid, $3::uuid, $4 WHERE $2::uuid <> $3::uuid
ON CONFLICT (follower_id, followed_id) DO NOTHING
RETURNING follow_id`,
};
const PROBE_UNFOLLOW: Statement = {
  name: "bellyfed_freshness_unfollow",
  text: "DELETE FROM follows WHERE follower_id = $1::uuid AND followed_id = $2::uuid",
};
const FOLLOWERS: Statement = {
  name: "bellyfed_freshness_followers",
  text: "SELECT count(*)::int AS n FROM follows WHERE followed_id = $1::uuid",
};

const USERS_SQL = `SELECT user_id, 1::float8 AS weight FROM users ORDER BY user_id LIMIT $1`;

/**
 * Between two GetItems of one probe, ms: 5 first, doubling to 40 (a probe
 * waiting a second reads ~30 times, not 200: the polls must not load DynamoDB
 * Local and the event loop the projector shares).
 */
export const POLL_MS = [5, 10, 20, 40] as const;
/** A probe that has not seen its change after this long fails. */
export const PROBE_TIMEOUT_MS = 30_000;

/** The slot's lag in bytes (0 when no WAL waits); null when the slot is missing. */
export async function slotLagBytes(client: pg.Client, slot: string): Promise<number | null> {
  const r = await client.query(
    `SELECT COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::float8 AS lag
       FROM pg_replication_slots WHERE slot_name = $1`,
    [slot],
  );
  return r.rowCount === 0 ? null : Number(r.rows[0].lag);
}

/**
 * What runs beside the probes, once per process: the projector, and each
 * second a slot-lag sample and a snapshot of the projector's lag histogram
 * (so the warm-up's changes can be taken out).
 */
export interface FreshnessMonitor {
  projector: Projector;
  samples: Array<{ atMs: number; bytes: number }>;
  lagSnapshots: Array<{ atMs: number; encoded: string }>;
  stop(): Promise<void>;
}

export async function startFreshnessMonitor(
  endpoints: Endpoints,
  clock: DataClock,
): Promise<FreshnessMonitor> {
  const client = new pg.Client(pgClientConfig(endpoints.pg));
  client.on("error", () => {});
  await client.connect();
  const slot = slotName(await currentDatabase(client));
  if ((await slotLagBytes(client, slot)) === null) {
    await client.end();
    throw new Error(
      `freshness: no replication slot ${slot} (the projector reads it): load the data on a server with wal_level=logical, e.g. npx bellyfed-bench load --scale small --reload`,
    );
  }
  const projector = await startProjector({ endpoints, dataNowMs: () => clock.nowMs() });
  projector.done.catch(() => {});
  await catchUp(client, slot, projector);
  const samples: FreshnessMonitor["samples"] = [];
  const lagSnapshots: FreshnessMonitor["lagSnapshots"] = [];
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const atMs = Date.now();
    lagSnapshots.push({ atMs, encoded: encodeHistogram(projector.stats().lag) });
    slotLagBytes(client, slot)
      .then((bytes) => {
        if (bytes !== null) samples.push({ atMs, bytes });
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, 1000);
  timer.unref();
  return {
    projector,
    samples,
    lagSnapshots,
    async stop() {
      clearInterval(timer);
      await projector.stop();
      await client.end().catch(() => {});
    },
  };
}

/** The longest the projector is given to apply what the slot held before the run. */
export const CATCH_UP_MS = 300_000;

/**
 * Waits until the slot's confirmed position passes the WAL position of now:
 * changes committed before the run (written without a projector) are applied
 * before the load starts, so the figures are the run's own.
 */
async function catchUp(client: pg.Client, slot: string, projector: Projector): Promise<void> {
  const r = await client.query("SELECT pg_current_wal_lsn()::text AS lsn");
  const target = r.rows[0].lsn as string;
  let ended = false;
  const mark = () => {
    ended = true;
  };
  projector.done.then(mark, mark);
  const until = Date.now() + CATCH_UP_MS;
  for (;;) {
    const s = await client.query(
      "SELECT confirmed_flush_lsn >= $2::pg_lsn AS done FROM pg_replication_slots WHERE slot_name = $1",
      [slot, target],
    );
    if (s.rows[0]?.done === true || Date.now() > until) return;
    // a projector that ended (its source failed) is not waited for
    if (ended) return;
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** The projector's per-change lag since the last snapshot at or before `startUs`. */
export function lagSince(m: FreshnessMonitor, startUs: number): Histogram {
  const now = decodeHistogram(encodeHistogram(m.projector.stats().lag));
  let base: string | undefined;
  for (const s of m.lagSnapshots) if (s.atMs * 1000 <= startUs) base = s.encoded;
  if (base) now.subtract(decodeHistogram(base));
  return now;
}

export interface FreshnessState {
  pg: PgStore;
  dynamo: DynamoStore;
  users: WeightedPool<string>;
  tx: TransactionOptions;
  clock: DataClock;
  table: string;
  /** worker 0 only: one projector per run */
  monitor: FreshnessMonitor | null;
  /** commit instant and end-to-end lag of each probe, µs (kept whole: the window is known at the end) */
  committedUs: Float64Array;
  lagUs: Float64Array;
  probes: number;
  /** followed users with a probe in flight in this generator */
  busy: Set<string>;
}
export type FreshnessParams = [followerId: string, followedId: string];

/**
 * One probe: a follow (or unfollow) committed, then GetItem until the item
 * shows it; the lag in µs, or null when it measured nothing (a self-pair, or
 * a probe on the same user in flight).
 */
export async function probe(
  state: FreshnessState,
  params: FreshnessParams,
): Promise<number | null> {
  const followedId = params[1];
  if (params[0] === followedId || state.busy.has(followedId)) return null;
  state.busy.add(followedId);
  try {
    return await measure(state, params);
  } finally {
    state.busy.delete(followedId);
  }
}

async function measure(
  state: FreshnessState,
  [followerId, followedId]: FreshnessParams,
): Promise<number> {
  const { n, up } = await state.pg.transaction(async (t) => {
    const added = await t.query(PROBE_FOLLOW, [
      randomUUID(),
      followerId,
      followedId,
      state.clock.now(),
    ]);
    if (added.length === 0) await t.query(PROBE_UNFOLLOW, [followerId, followedId]);
    const rows = await t.query<{ n: number }>(FOLLOWERS, [followedId]);
    return { n: rows[0].n, up: added.length === 1 };
  }, state.tx);
  const committed = nowUs();
  const input = {
    TableName: state.table,
    Key: { [ATTR.userId]: followedId },
    ConsistentRead: true,
    ProjectionExpression: "#c",
    ExpressionAttributeNames: { "#c": ATTR.followerCount },
  };
  for (let poll = 0; ; poll++) {
    const out = await state.dynamo.get(input);
    const item = out.Item?.[ATTR.followerCount];
    const seen = item === undefined ? Number.NaN : Number(item);
    const at = nowUs();
    if (up ? seen >= n : seen <= n) {
      const lag = at - committed;
      if (state.probes === state.lagUs.length) grow(state);
      state.committedUs[state.probes] = committed;
      state.lagUs[state.probes] = lag;
      state.probes++;
      return lag;
    }
    if (at - committed > PROBE_TIMEOUT_MS * 1000)
      throw new Error(
        `freshness: the popularity item of ${followedId} did not show the follow ${PROBE_TIMEOUT_MS / 1000} s after its commit (follower_count ${seen}, expected ${up ? ">=" : "<="} ${n}): is the projector running? bellyfed-bench sync status`,
      );
    await new Promise((r) => setTimeout(r, POLL_MS[Math.min(poll, POLL_MS.length - 1)]));
  }
}

function grow(state: FreshnessState): void {
  const size = Math.max(1024, state.lagUs.length * 2);
  const c = new Float64Array(size);
  const l = new Float64Array(size);
  c.set(state.committedUs);
  l.set(state.lagUs);
  state.committedUs = c;
  state.lagUs = l;
}

const scenario: Scenario<FreshnessState, FreshnessParams> = {
  name: "freshness",
  description:
    "PostgreSQL commit to the DynamoDB item showing it: a follow, then consistent GetItems on the popularity item (the projector in-process)",
  stores: ["postgres", "dynamodb"],
  async setup(ctx) {
    const pg = ctx.pg!;
    const clock = new DataClock();
    const users = await readPool(
      pg,
      "freshness",
      "users",
      USERS_SQL,
      (r: { user_id: string; weight: number }) => r.user_id,
    );
    const monitor =
      ctx.workerIndex === 0 ? await startFreshnessMonitor(ctx.endpoints, clock) : null;
    return {
      pg,
      dynamo: ctx.dynamo!,
      users,
      tx: writeOptions(),
      clock,
      table: ctx.dynamo!.table(USER_POPULARITY_TABLE),
      monitor,
      committedUs: new Float64Array(1024),
      lagUs: new Float64Array(1024),
      probes: 0,
      busy: new Set(),
    };
  },
  sample(state, rng) {
    const a = state.users.draw(rng);
    let b = state.users.draw(rng);
    for (let i = 0; i < 8 && b === a; i++) b = state.users.draw(rng);
    return [a, b];
  },
  async operation(state, params) {
    await probe(state, params);
  },
  // no explain(): its statements are the follow scenario's (tuned there), and its setup
  // starts the projector, which `tune` has no use for
  async figures(state, window): Promise<ScenarioFigures> {
    const fresh = createHistogram(3);
    for (let i = 0; i < state.probes; i++) {
      const c = state.committedUs[i];
      if (c >= window.startUs && c <= window.endUs) recordUs(fresh, state.lagUs[i]);
    }
    const out: ScenarioFigures = { histograms: { freshness: encodeHistogram(fresh) } };
    const m = state.monitor;
    if (m) {
      // every probe waited until its change was in DynamoDB: the projector has applied them
      out.histograms!.syncLag = encodeHistogram(lagSince(m, window.startUs));
      out.slotLag = m.samples.slice();
    }
    return out;
  },
  async teardown(state) {
    await state.monitor?.stop();
  },
};

export default scenario;

import {
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import pg from "pg";
import { createHistogram, type Histogram, MAX_TRACKABLE_US, recordUs } from "../core/histogram.ts";
import { DEFAULT_EPOCH } from "../generators/scale.ts";
import { TRENDING_WINDOW_DAYS } from "../load/read-models.ts";
import { slotName } from "../load/replication.ts";
import {
  ATTR,
  appliedVariant,
  DESIGN_VARIANT,
  type DynamoVariant,
  LEADERBOARDS_TABLE,
  TRENDING_DISHES_TABLE,
  USER_POPULARITY_TABLE,
} from "../schema/index.ts";
import { createDynamoClient } from "../stores/dynamo.ts";
import { pgClientConfig } from "../stores/postgres.ts";
import type { Endpoints } from "../stores/types.ts";
import { Batcher } from "./batch.ts";
import {
  type Group,
  type Item,
  type KnownScores,
  keyText,
  leaderboardGroup,
  leaderboardItems,
  popularityItems,
  projectable,
  SRC_POS,
  sameItem,
  trendingGroup,
  trendingGroupOf,
  trendingItems,
} from "./models.ts";
import { parseTextArray } from "./pgoutput-source.ts";
import type { ChangeSource, CommittedTx, RowChange } from "./source.ts";
import {
  ensureStateTable,
  groupKey,
  KEY,
  type ProjectorState,
  readState,
  writeState,
} from "./state.ts";

/**
 * The projector: committed PostgreSQL changes in, the three read models'
 * items out. For each transaction it finds the keys the changes touched,
 * recomputes each key's item with the loader's SQL (never an increment) and
 * writes it with a condition on the source position:
 *
 *   put / delete  IF attribute_not_exists(src_pos) OR src_pos <= :pos
 *
 * Top-N lists (trending per city and dish type, leaderboards per city and
 * cuisine) carry a version per group in the projector's table: the group's
 * version is claimed (same condition) before its items are written, and a
 * position older than the version writes nothing in the group, so a replay
 * cannot bring back a member a newer position dropped. Only then is the
 * transaction acknowledged to the source: a crash replays, and the replay is
 * harmless (at-least-once delivery, exactly-once effect).
 *
 * Trending depends on "now": each group is computed as of an instant on the
 * data's clock (the latest of: the instant before, the data clock, just past
 * the newest ranking in the transaction, rounded up to a whole second),
 * recorded on the group's version.
 */

export interface ProjectorOptions {
  endpoints: Endpoints;
  /** default: the pgoutput source on the database's harness slot */
  source?: ChangeSource;
  /** the data's clock now, in ms since 1970 (default: the data epoch plus the time since start) */
  dataNowMs?: () => number;
  /** how often the state item is written (ms, default 1000) */
  persistMs?: number;
  /** transactions with disjoint keys in flight at once (default 16) */
  maxInFlight?: number;
  /** PostgreSQL connections for the recompute (default 4) */
  pgConnections?: number;
  onError?: (e: Error) => void;
  /** sees the projector's DynamoDB client once, before any call (bench:freshness records the calls) */
  onDynamoClient?: (client: DynamoDBClient) => void;
}

export interface ProjectorStats {
  source: string;
  /** row changes applied (each counted once per delivery: a replay counts again) */
  changes: number;
  transactions: number;
  errors: number;
  /** writes skipped because a newer position had written the item or group */
  stale: number;
  itemsPut: number;
  itemsDeleted: number;
  /** unchanged items not written */
  itemsUnchanged: number;
  lastPosition: bigint | null;
  lastCommitTime: Date | null;
  asOf: string | null;
  /** transactions being applied now (the pipeline's depth) */
  inFlight: number;
  /** per change: DynamoDB's acknowledgement minus the commit time, microseconds */
  lag: Histogram;
  startedAt: Date;
}

export interface Projector {
  stats(): ProjectorStats;
  /** stops after the transaction in hand; the state item is written last */
  stop(): Promise<ProjectorStats>;
  /** settles when the projector stops; rejects when the source failed */
  done: Promise<void>;
  /**
   * Resolves true once every transaction committed before the call is in
   * DynamoDB (false after `timeoutMs`). Needs a source with marks (pgoutput).
   */
  waitCaughtUp(timeoutMs?: number): Promise<boolean>;
}

interface Tables {
  popularity: string;
  trending: string;
  leaderboards: string;
  state: string;
  keys: Record<string, string[]>;
}

/** The projector's PostgreSQL connections say who they are (pg_stat_activity.application_name). */
export const PROJECTOR_APPLICATION = "bellyfed-bench sync";

/**
 * Which of the 32-bit xids in $1 (of the current or the previous epoch) a
 * snapshot taken now does not see yet.
 */
const NOT_VISIBLE_SQL = `
SELECT x32::bigint AS xid
  FROM (SELECT snap, pg_snapshot_xmax(snap)::text::bigint AS x
          FROM (SELECT pg_current_snapshot() AS snap) s) t,
       unnest($1::bigint[]) AS x32
 WHERE NOT pg_visible_in_snapshot(
         ((((x >> 32) - CASE WHEN x32 > (x & 4294967295) THEN 1 ELSE 0 END) << 32) | x32)::text::xid8,
         snap)`;

/**
 * Items of top-N groups cached at most (about 1 kB each in the heap), the
 * groups written longest ago dropped first. A miss costs one consistent Query,
 * sent together with the group's claim (no added wait).
 */
const GROUP_CACHE_ITEMS = 4_000;
/** Dishes and restaurants cached at most each (the oldest dropped first). */
const ROW_CACHE_MAX = 10_000;

/** Sets a cache entry, dropping the oldest once the cache holds `max` (ROW_CACHE_MAX). */
function bounded<V>(cache: Map<string, V>, key: string, value: V, max = ROW_CACHE_MAX): void {
  if (cache.size >= max && !cache.has(key)) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

const CONDITION = "attribute_not_exists(#p) OR #p <= :pos";

const TRENDING_WINDOW_MS = TRENDING_WINDOW_DAYS * 86_400_000;

/** The error with what was asked of whom (the SDK's message alone does not say). */
function context(e: unknown, what: string, detail: unknown): Error {
  const err = e as Error;
  err.message = `${what}: ${err.message} (${JSON.stringify(detail).slice(0, 300)})`;
  return err;
}

function isConditionFailure(e: unknown): boolean {
  return (e as { name?: string }).name === "ConditionalCheckFailedException";
}

/** "2026-01-01 00:00:10.000" from ms */
function timestampLiteral(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace("T", " ");
}

/** The items of each requested group ("city\0kind"), by the group name each item carries. */
function byGroup(
  items: Item[],
  groupOf: (it: Item) => string,
  keys: readonly string[],
  nameOf: (key: string) => string,
): Map<string, Item[]> {
  const named = new Map<string, Item[]>();
  for (const it of items) {
    const g = groupOf(it);
    const list = named.get(g);
    if (list) list.push(it);
    else named.set(g, [it]);
  }
  const out = new Map<string, Item[]>();
  for (const k of keys) out.set(k, named.get(nameOf(k)) ?? []);
  return out;
}

function splitGroups(set: Iterable<string>): Group[] {
  const out: Group[] = [];
  for (const g of set) {
    const i = g.indexOf("\u0000");
    out.push([g.slice(0, i), g.slice(i + 1)]);
  }
  return out;
}

export interface Planned {
  keys: string[];
  run: () => Promise<void>;
}

/** Where a dish's trending group is, and a restaurant's leaderboards. */
interface DishPlace {
  city: string | null;
  type: string;
}
interface RestaurantPlace {
  city: string | null;
  cuisines: string[];
}

/** A transaction's lookups done: what it touches. */
export interface Prepared {
  a: Affected;
  trending: Set<string>;
  boards: Set<string>;
}

/**
 * Does the transaction change dishes or restaurants (the planning caches)?
 * Such a transaction is prepared alone: after every transaction before it,
 * before any after it.
 */
export function changesCatalog(tx: CommittedTx): boolean {
  for (const c of tx.changes) if (c.table === "dishes" || c.table === "restaurants") return true;
  return false;
}

/** The work one transaction causes. */
interface Affected {
  users: Set<string>;
  dishes: Set<string>;
  restaurants: Set<string>;
  /** trending groups named by the change's own old values: "city\0type" */
  trending: Set<string>;
  /** leaderboards named by the change's own values: "city\0cuisine" */
  boards: Set<string>;
  /** the newest ranking's created_at in the transaction (ms) */
  newestMs: number;
}

export class ProjectorCore {
  private readonly pool: pg.Pool;
  /**
   * Planning's lookups (a dish's group, a restaurant's city) on a connection
   * of their own: transactions are planned one after the other, so a lookup
   * queued behind the recomputes in flight would hold up every transaction.
   */
  private readonly planDb: pg.Pool;
  private readonly dyn: DynamoDBClient;
  private readonly prefix: string;
  private tables!: Tables;
  private variant: DynamoVariant = DESIGN_VARIANT;
  private readonly dishCache = new Map<string, DishPlace>();
  private readonly restaurantCache = new Map<string, RestaurantPlace>();
  private readonly dataNowMs: () => number;
  private asOfMs = 0;
  /** each top-N group's items as this process last wrote them, with the version it wrote */
  private readonly groupCache = new Map<string, { pos: string; items: Item[] }>();
  private groupCacheItems = 0;
  /** planning's lookups of transactions prepared at once, together */
  private readonly lookupBatch = new Batcher<string, DishPlace | RestaurantPlace>(
    (keys) => this.lookup(keys),
    1,
  );
  /** the transactions in flight wait for visibility together: one query for all */
  private readonly visibleBatch = new Batcher<number, true>((xids) => this.waitVisible(xids));
  /** and their users' popularity items come from one query */
  private readonly popularityBatch = new Batcher<string, Item>(async (users) => {
    const m = new Map<string, Item>();
    for (const it of await popularityItems(this.pool, users, this.variant))
      m.set(it[ATTR.userId].S as string, it);
    return m;
  });
  /**
   * Each restaurant's leaderboard figures (score, ranking count, last update)
   * as a recompute returned them, while its rankings have not changed since:
   * the next recompute of its leaderboards takes them as given and sums only
   * the restaurants whose rankings changed. A transaction's restaurants are
   * dropped when it is ordered and are `pending` until it is visible; a
   * recompute's figures are kept only for restaurants with nothing pending
   * and no change made visible after the recompute began (`scoreGen`).
   */
  private readonly scores = new Map<string, [score: string, count: string, last: string]>();
  private readonly scorePending = new Map<string, number>();
  private readonly scoreChangedAt = new Map<string, number>();
  private scoreGen = 0;
  /** a restaurant absent from scoreChangedAt changed at this generation at the latest */
  private scoreFloor = 0;
  /** the restaurants each leaderboard ("city\0cuisine") held when last computed */
  private readonly boardMembers = new Map<string, string[]>();
  /**
   * The leaderboards' items: "city\0cuisine", or "!city\0cuisine" to sum
   * every restaurant again (a transaction changing restaurants: a
   * restaurant's leaderboards may not be the ones it had).
   */
  private readonly boardsBatch = new Batcher<string, Item[]>(async (keys) => {
    let full = false;
    const groups = new Set<string>();
    for (const k of keys)
      if (k[0] === "!") {
        full = true;
        groups.add(k.slice(1));
      } else groups.add(k);
    const list = [...groups];
    const began = this.scoreGen;
    const items = await leaderboardItems(
      this.pool,
      splitGroups(list),
      this.variant,
      full ? null : this.knownScores(list),
    );
    const named = byGroup(
      items,
      (it) => it[ATTR.leaderboardType]?.S ?? "",
      list,
      (k) => {
        const [city, cuisine] = k.split("\u0000");
        return leaderboardGroup(city, cuisine);
      },
    );
    this.learnScores(named, began);
    const out = new Map<string, Item[]>();
    for (const k of keys) out.set(k, named.get(k[0] === "!" ? k.slice(1) : k) ?? []);
    return out;
  });
  private readonly trendingBatch = new Batcher<string, Item[]>(async (keys) => {
    const byAsOf = new Map<string, string[]>();
    for (const k of keys) {
      const i = k.indexOf("\u0000");
      const list = byAsOf.get(k.slice(0, i));
      if (list) list.push(k.slice(i + 1));
      else byAsOf.set(k.slice(0, i), [k.slice(i + 1)]);
    }
    const out = new Map<string, Item[]>();
    await Promise.all(
      [...byAsOf].map(async ([asOf, groups]) => {
        const m = byGroup(
          await trendingItems(this.pool, asOf, splitGroups(groups)),
          trendingGroupOf,
          groups,
          (g) => {
            const [city, type] = g.split("\u0000");
            return trendingGroup(city, type);
          },
        );
        for (const [g, items] of m) out.set(`${asOf}\u0000${g}`, items);
      }),
    );
    return out;
  });
  readonly s: ProjectorStats;

  constructor(
    endpoints: Endpoints,
    opts: { dataNowMs?: () => number; pgConnections?: number; source: string },
  ) {
    this.pool = new pg.Pool({
      ...pgClientConfig(endpoints.pg),
      max: opts.pgConnections ?? 4,
      application_name: PROJECTOR_APPLICATION,
    });
    this.pool.on("error", () => {});
    this.planDb = new pg.Pool({
      ...pgClientConfig(endpoints.pg),
      max: 1,
      application_name: PROJECTOR_APPLICATION,
    });
    this.planDb.on("error", () => {});
    this.dyn = createDynamoClient(endpoints.dynamo, 32);
    this.prefix = endpoints.dynamo.tablePrefix;
    const started = Date.now();
    const epoch = Date.parse(DEFAULT_EPOCH);
    this.dataNowMs = opts.dataNowMs ?? (() => epoch + (Date.now() - started));
    this.s = {
      source: opts.source,
      changes: 0,
      transactions: 0,
      errors: 0,
      stale: 0,
      itemsPut: 0,
      itemsDeleted: 0,
      itemsUnchanged: 0,
      inFlight: 0,
      lastPosition: null,
      lastCommitTime: null,
      asOf: null,
      lag: createHistogram(3),
      startedAt: new Date(started),
    };
  }

  get dynamo(): DynamoDBClient {
    return this.dyn;
  }

  async init(): Promise<ProjectorState | null> {
    const p = this.prefix;
    this.variant = projectable(await appliedVariant(this.dyn, p), p);
    const keys: Record<string, string[]> = {};
    for (const t of [USER_POPULARITY_TABLE, TRENDING_DISHES_TABLE, LEADERBOARDS_TABLE]) {
      const d = await this.dyn.send(new DescribeTableCommand({ TableName: `${p}${t}` }));
      const ks = d.Table?.KeySchema ?? [];
      keys[t] = [
        ...ks.filter((k) => k.KeyType === "HASH").map((k) => k.AttributeName as string),
        ...ks.filter((k) => k.KeyType === "RANGE").map((k) => k.AttributeName as string),
      ];
    }
    const state = await ensureStateTable(this.dyn, p);
    this.tables = {
      popularity: `${p}${USER_POPULARITY_TABLE}`,
      trending: `${p}${TRENDING_DISHES_TABLE}`,
      leaderboards: `${p}${LEADERBOARDS_TABLE}`,
      state,
      keys,
    };
    const prev = await readState(this.dyn, p);
    if (prev?.asOf) this.asOfMs = Date.parse(`${prev.asOf.replace(" ", "T")}Z`);
    return prev;
  }

  /** Applies one committed transaction; resolves when DynamoDB accepted every write. */
  async apply(tx: CommittedTx): Promise<void> {
    await (await this.plan(tx)).run();
    this.s.lastPosition = tx.position;
    this.s.lastCommitTime = tx.commitTime;
  }

  /**
   * What a transaction touches (`keys`: users, trending groups, leaderboards)
   * and the work that brings them up to date. Transactions are planned in
   * commit order; two whose keys are disjoint may run at once.
   */
  async plan(tx: CommittedTx): Promise<Planned> {
    return this.order(tx, await this.prepare(tx));
  }

  /**
   * The lookups of planning (the groups of the touched dishes and
   * restaurants): several transactions may prepare at once, as long as none
   * of them changes dishes or restaurants (see `changesCatalog`).
   */
  async prepare(tx: CommittedTx): Promise<Prepared> {
    // a change of dishes or restaurants visible before its lookups (and so before
    // those of every transaction after it): they must not cache the rows before it
    if (tx.xid !== undefined && changesCatalog(tx)) await this.visibleBatch.get([tx.xid]);
    const a = await this.affected(tx.changes);
    const trending = new Set(a.trending);
    const boards = new Set(a.boards);
    await this.groupsOf(a, trending, boards);
    return { a, trending, boards };
  }

  /** The rest of planning, in commit order: the keys, and trending's instant. */
  order(tx: CommittedTx, prepared: Prepared): Planned {
    const { a, trending, boards } = prepared;
    const pos = tx.position.toString();
    const catalog = changesCatalog(tx);
    this.scoresChanging(a.restaurants);
    const keys: string[] = [];
    for (const u of a.users) keys.push(`u\u0000${u}`);
    for (const g of trending) keys.push(`t\u0000${g}`);
    for (const g of boards) keys.push(`b\u0000${g}`);
    let asOf = "";
    if (trending.size > 0) {
      // whole seconds of the data's clock: the transactions planned within a
      // second share the instant, so their groups are computed in one query
      const now = Math.max(
        this.asOfMs,
        Math.ceil(Math.max(this.dataNowMs(), a.newestMs + 1) / 1000) * 1000,
      );
      this.asOfMs = now;
      asOf = timestampLiteral(now);
      this.s.asOf = asOf;
    }
    const run = async () => {
      if (tx.xid !== undefined && keys.length > 0) await this.visibleBatch.get([tx.xid]);
      this.scoresChanged(a.restaurants);
      const work: Promise<void>[] = [];
      if (a.users.size > 0) work.push(this.applyUsers([...a.users], pos));
      if (trending.size > 0) work.push(this.applyTrending(splitGroups(trending), asOf, pos));
      if (boards.size > 0) work.push(this.applyBoards(splitGroups(boards), pos, catalog));
      await Promise.all(work);
      this.s.changes += tx.changes.length;
      this.s.transactions++;
      const lagUs = (Date.now() - tx.commitTime.getTime()) * 1000;
      const v = lagUs < 1 ? 1 : Math.round(lagUs);
      if (tx.changes.length === 1) recordUs(this.s.lag, v);
      else if (tx.changes.length > 1)
        this.s.lag.recordValueWithCount(Math.min(v, MAX_TRACKABLE_US), tx.changes.length);
    };
    return { keys, run };
  }

  /**
   * Waits until the transactions `xids` are visible to new snapshots. WAL is
   * flushed (and decoded) before the committing backend leaves the proc
   * array, so on a busy server a recompute started the moment a commit
   * arrives can miss it. Visible once means visible to every later snapshot.
   */
  private async waitVisible(xids: number[]): Promise<Map<number, true>> {
    const done = new Map<number, true>();
    let left = xids;
    for (let i = 0; ; i++) {
      const r = await this.pool.query<{ xid: string }>(NOT_VISIBLE_SQL, [left]);
      const still = new Set(r.rows.map((row) => Number(row.xid)));
      for (const x of left) if (!still.has(x)) done.set(x, true);
      if (still.size === 0) return done;
      if (i >= 5000)
        throw new Error(`transaction ${[...still][0]} committed but not visible after 10 s`);
      left = [...still];
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  private async affected(changes: RowChange[]): Promise<Affected> {
    const a: Affected = {
      users: new Set(),
      dishes: new Set(),
      restaurants: new Set(),
      trending: new Set(),
      boards: new Set(),
      newestMs: 0,
    };
    for (const c of changes) {
      const r = c.row;
      switch (c.table) {
        case "users":
          if (r.user_id) a.users.add(r.user_id);
          break;
        case "follows":
          if (r.followed_id) a.users.add(r.followed_id);
          break;
        case "reviews":
          if (r.user_id) a.users.add(r.user_id);
          break;
        case "dish_rankings": {
          if (r.user_id) a.users.add(r.user_id);
          if (r.restaurant_id) a.restaurants.add(r.restaurant_id);
          const ms = r.created_at ? Date.parse(`${r.created_at.replace(" ", "T")}Z`) : Number.NaN;
          if (ms > a.newestMs) a.newestMs = ms;
          // trending counts the rankings of the last TRENDING_WINDOW_DAYS only: a
          // ranking created before the window of the last instant used (every
          // later instant is later still) changes no trending group (a list
          // shift moves mostly old rankings); its restaurant's leaderboards it does
          if (r.dish_id && !(ms < this.asOfMs - TRENDING_WINDOW_MS)) a.dishes.add(r.dish_id);
          break;
        }
        case "dishes":
          // the row's own restaurant and type (an update sends the old row as a delete first)
          if (r.dish_id) this.dishCache.delete(r.dish_id);
          if (r.restaurant_id && r.dish_type) {
            const rest = await this.restaurant(r.restaurant_id);
            if (rest.city) a.trending.add(`${rest.city}\u0000${r.dish_type}`);
          }
          break;
        case "restaurants": {
          if (r.restaurant_id) {
            this.restaurantCache.delete(r.restaurant_id);
            for (const [id, d] of this.dishCache) if (d.city === r.city) this.dishCache.delete(id);
          }
          if (r.city) {
            for (const c2 of parseTextArray(r.cuisine_type)) a.boards.add(`${r.city}\u0000${c2}`);
            if (r.restaurant_id) {
              const types = await this.planDb.query(
                "SELECT DISTINCT dish_type FROM dishes WHERE restaurant_id = $1",
                [r.restaurant_id],
              );
              for (const t of types.rows) a.trending.add(`${r.city}\u0000${t.dish_type}`);
            }
          }
          break;
        }
        default:
          break;
      }
    }
    return a;
  }

  /** A restaurant's city and cuisines: cached, else through the batched lookup. */
  private async restaurant(id: string): Promise<RestaurantPlace> {
    const hit = this.restaurantCache.get(id);
    if (hit) return hit;
    const found = await this.lookupBatch.get([`r${id}`]);
    return found.get(`r${id}`) as RestaurantPlace;
  }

  /** Adds the groups of the touched dishes (trending) and restaurants (leaderboards). */
  private async groupsOf(a: Affected, trending: Set<string>, boards: Set<string>): Promise<void> {
    const missing: string[] = [];
    for (const d of a.dishes) if (!this.dishCache.has(d)) missing.push(`d${d}`);
    for (const id of a.restaurants) if (!this.restaurantCache.has(id)) missing.push(`r${id}`);
    // what was looked up, not the caches: they are bounded, an entry may be gone again
    const found = missing.length > 0 ? await this.lookupBatch.get(missing) : null;
    for (const d of a.dishes) {
      const v = this.dishCache.get(d) ?? (found?.get(`d${d}`) as DishPlace | undefined);
      if (v?.city) trending.add(`${v.city}\u0000${v.type}`);
    }
    for (const id of a.restaurants) {
      const v =
        this.restaurantCache.get(id) ?? (found?.get(`r${id}`) as RestaurantPlace | undefined);
      if (v?.city) for (const c of v.cuisines) if (c !== null) boards.add(`${v.city}\u0000${c}`);
    }
  }

  /**
   * Dishes ("d" + id) and restaurants ("r" + id) into the planning caches, in
   * one query (a dish's restaurant comes with it).
   */
  private async lookup(keys: string[]): Promise<Map<string, DishPlace | RestaurantPlace>> {
    const found = new Map<string, DishPlace | RestaurantPlace>();
    const dishes: string[] = [];
    const restaurants: string[] = [];
    for (const k of keys) (k[0] === "d" ? dishes : restaurants).push(k.slice(1));
    const r = await this.planDb.query<{
      dish: string | null;
      dish_type: string | null;
      restaurant: string;
      city: string | null;
      cuisines: string[] | null;
    }>(
      `SELECT d.dish_id::text AS dish, d.dish_type, d.restaurant_id::text AS restaurant,
              r.city, r.cuisine_type AS cuisines
         FROM dishes d LEFT JOIN restaurants r ON r.restaurant_id = d.restaurant_id
        WHERE d.dish_id = ANY($1::uuid[])
       UNION ALL
       SELECT NULL, NULL, r.restaurant_id::text, r.city, r.cuisine_type
         FROM restaurants r WHERE r.restaurant_id = ANY($2::uuid[])`,
      [dishes, restaurants],
    );
    for (const row of r.rows) {
      if (row.dish && row.dish_type) {
        const d = { city: row.city, type: row.dish_type };
        bounded(this.dishCache, row.dish, d);
        found.set(`d${row.dish}`, d);
      }
      const place = { city: row.city, cuisines: row.cuisines ?? [] };
      bounded(this.restaurantCache, row.restaurant, place);
      found.set(`r${row.restaurant}`, place);
    }
    // a restaurant that does not exist (any more) has no leaderboards
    for (const id of restaurants)
      if (!found.has(`r${id}`)) {
        const none = { city: null, cuisines: [] };
        bounded(this.restaurantCache, id, none);
        found.set(`r${id}`, none);
      }
    return found;
  }

  /** A transaction changing these restaurants' rankings is ordered: their figures are not current. */
  private scoresChanging(ids: Set<string>): void {
    for (const id of ids) {
      this.scores.delete(id);
      this.scorePending.set(id, (this.scorePending.get(id) ?? 0) + 1);
    }
  }

  /** ... and is visible: a recompute begun from now on sums them afresh. */
  private scoresChanged(ids: Set<string>): void {
    if (ids.size === 0) return;
    const gen = ++this.scoreGen;
    for (const id of ids) {
      this.scores.delete(id);
      const n = (this.scorePending.get(id) ?? 1) - 1;
      if (n > 0) this.scorePending.set(id, n);
      else this.scorePending.delete(id);
      this.scoreChangedAt.delete(id);
      this.scoreChangedAt.set(id, gen);
    }
    if (this.scoreChangedAt.size > ROW_CACHE_MAX) {
      // forgotten which changed when: nothing computed before now is kept
      this.scoreChangedAt.clear();
      this.scoreFloor = gen;
    }
  }

  /** The current figures this process has of the restaurants the leaderboards held. */
  private knownScores(groups: string[]): KnownScores | null {
    const k: KnownScores = { ids: [], scores: [], counts: [], lasts: [] };
    const seen = new Set<string>();
    for (const g of groups)
      for (const id of this.boardMembers.get(g) ?? []) {
        const v = this.scores.get(id);
        if (!v || seen.has(id)) continue;
        seen.add(id);
        k.ids.push(id);
        k.scores.push(v[0]);
        k.counts.push(v[1]);
        k.lasts.push(v[2]);
      }
    return k.ids.length > 0 ? k : null;
  }

  /** Remembers the leaderboards' members, and the figures of those that stay current. */
  private learnScores(named: Map<string, Item[]>, began: number): void {
    for (const [g, items] of named) {
      const ids: string[] = [];
      for (const it of items) {
        const id = it[ATTR.entityId]?.S;
        if (!id) continue;
        ids.push(id);
        if (!this.scorePending.has(id) && (this.scoreChangedAt.get(id) ?? this.scoreFloor) <= began)
          bounded(this.scores, id, [
            it[ATTR.score]?.N ?? "0",
            it[ATTR.rankingCount]?.N ?? "0",
            it[ATTR.lastUpdated]?.S ?? "",
          ]);
      }
      bounded(this.boardMembers, g, ids, GROUP_CACHE_ITEMS);
    }
  }

  private async applyUsers(users: string[], pos: string): Promise<void> {
    const items = await this.popularityBatch.get(users);
    const writes: Promise<boolean>[] = [];
    for (const u of users) {
      const it = items.get(u);
      // a copy: the put stamps its own position on it
      if (it) writes.push(this.put(this.tables.popularity, { ...it }, pos));
      else writes.push(this.del(this.tables.popularity, { [ATTR.userId]: { S: u } }, pos));
    }
    await Promise.all(writes);
  }

  /** Claims the group's version: false when a newer position already wrote the group. */
  /** Claims a group's version: false when a newer position holds it, else the version it had (null: none). */
  private async claim(
    table: string,
    group: string,
    pos: string,
    asOf?: string,
  ): Promise<false | string | null> {
    try {
      const out = await this.dyn.send(
        new UpdateItemCommand({
          TableName: this.tables.state,
          Key: { [KEY]: { S: groupKey(table, group) } },
          UpdateExpression: asOf ? "SET #p = :pos, as_of = :asof" : "SET #p = :pos",
          ConditionExpression: CONDITION,
          ExpressionAttributeNames: { "#p": "pos" },
          ExpressionAttributeValues: {
            ":pos": { N: pos },
            ...(asOf ? { ":asof": { S: asOf } } : {}),
          },
          ReturnValues: "UPDATED_OLD",
        }),
      );
      return out.Attributes?.pos?.N ?? null;
    } catch (e) {
      if (!isConditionFailure(e)) throw context(e, `UpdateItem ${this.tables.state}`, group);
      this.s.stale++;
      return false;
    }
  }

  /**
   * Claims a group and returns its items as they are in DynamoDB: from the
   * cache when the claim shows the group's version is the one this process
   * wrote last (nobody wrote the group since), else read (at the same time as
   * the claim when nothing is cached). Null when a newer position holds it.
   */
  private async claimAndRead(
    model: string,
    name: string,
    pos: string,
    asOf: string | undefined,
    read: () => Promise<Item[]>,
  ): Promise<Item[] | null> {
    const key = `${model}#${name}`;
    const cached = this.uncacheGroup(key);
    if (cached) {
      const old = await this.claim(model, name, pos, asOf);
      if (old === false) return null;
      return old === cached.pos ? cached.items : read();
    }
    const [old, have] = await Promise.all([this.claim(model, name, pos, asOf), read()]);
    return old === false ? null : have;
  }

  /**
   * The groups' items in one query, each group's version claimed and its
   * current items read at the same time; a group whose claim fails (a newer
   * position wrote it) is left alone.
   */
  private async applyTrending(groups: Group[], asOf: string, pos: string): Promise<void> {
    const claimed = new Map<string, Item[] | null>();
    const [want] = await Promise.all([
      this.trendingBatch.get(groups.map((g) => `${asOf}\u0000${g[0]}\u0000${g[1]}`)),
      ...groups.map(async (g) => {
        const name = trendingGroup(g[0], g[1]);
        const have = await this.claimAndRead(TRENDING_DISHES_TABLE, name, pos, asOf, () =>
          this.query(this.tables.trending, {
            KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
            ExpressionAttributeNames: { "#pk": ATTR.locationId, "#sk": ATTR.dishTypeTimestamp },
            ExpressionAttributeValues: { ":pk": { S: g[0] }, ":prefix": { S: `${g[1]}#` } },
          }),
        );
        claimed.set(name, have);
      }),
    ]);
    await this.reconcileGroups(
      this.tables.trending,
      TRENDING_DISHES_TABLE,
      groups,
      claimed,
      (g) => want.get(`${asOf}\u0000${g[0]}\u0000${g[1]}`) ?? [],
      trendingGroup,
      pos,
    );
  }

  private async applyBoards(groups: Group[], pos: string, sumAll: boolean): Promise<void> {
    const claimed = new Map<string, Item[] | null>();
    const at = sumAll ? "!" : "";
    const [want] = await Promise.all([
      this.boardsBatch.get(groups.map((g) => `${at}${g[0]}\u0000${g[1]}`)),
      ...groups.map(async (g) => {
        const name = leaderboardGroup(g[0], g[1]);
        const have = await this.claimAndRead(LEADERBOARDS_TABLE, name, pos, undefined, () =>
          this.query(this.tables.leaderboards, {
            KeyConditionExpression: "#pk = :pk",
            ExpressionAttributeNames: { "#pk": ATTR.leaderboardType },
            ExpressionAttributeValues: { ":pk": { S: name } },
          }),
        );
        claimed.set(name, have);
      }),
    ]);
    await this.reconcileGroups(
      this.tables.leaderboards,
      LEADERBOARDS_TABLE,
      groups,
      claimed,
      (g) => want.get(`${at}${g[0]}\u0000${g[1]}`) ?? [],
      leaderboardGroup,
      pos,
    );
  }

  private async reconcileGroups(
    table: string,
    model: string,
    groups: Group[],
    claimed: Map<string, Item[] | null>,
    wantOf: (g: Group) => Item[],
    nameOf: (city: string, kind: string) => string,
    pos: string,
  ): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const g of groups) {
      const name = nameOf(g[0], g[1]);
      const have = claimed.get(name);
      if (!have) continue;
      writes.push(
        this.reconcile(table, model, wantOf(g), have, pos).then((items) => {
          if (items) this.cacheGroup(`${model}#${name}`, pos, items);
        }),
      );
    }
    await Promise.all(writes);
  }

  private uncacheGroup(key: string): { pos: string; items: Item[] } | undefined {
    const cached = this.groupCache.get(key);
    if (cached) {
      this.groupCache.delete(key);
      this.groupCacheItems -= cached.items.length;
    }
    return cached;
  }

  /** The group as last written, the least recently written groups dropped past GROUP_CACHE_ITEMS. */
  private cacheGroup(key: string, pos: string, items: Item[]): void {
    this.uncacheGroup(key);
    this.groupCache.set(key, { pos, items });
    this.groupCacheItems += items.length;
    for (const [k, v] of this.groupCache) {
      if (this.groupCacheItems <= GROUP_CACHE_ITEMS) break;
      this.groupCache.delete(k);
      this.groupCacheItems -= v.items.length;
    }
  }

  private async query(
    table: string,
    q: Pick<
      ConstructorParameters<typeof QueryCommand>[0],
      "KeyConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
    >,
  ): Promise<Item[]> {
    const out: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.dyn.send(
        new QueryCommand({
          TableName: table,
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ...q,
        }),
      );
      if (page.Items) out.push(...page.Items);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** Writes the items that changed, deletes the members that left. */
  /** The group's items afterwards, or null when a write found a newer position (not cacheable). */
  private async reconcile(
    table: string,
    model: string,
    want: Item[],
    have: Item[],
    pos: string,
  ): Promise<Item[] | null> {
    const keyNames = this.tables.keys[model];
    const old = new Map<string, Item>();
    for (const it of have) old.set(keyText(it, keyNames), it);
    const writes: Promise<boolean>[] = [];
    const after: Item[] = [];
    for (const it of want) {
      const k = keyText(it, keyNames);
      const prev = old.get(k);
      old.delete(k);
      if (prev && sameItem(prev, it)) {
        this.s.itemsUnchanged++;
        after.push(prev);
      } else {
        writes.push(this.put(table, it, pos));
        after.push(it);
      }
    }
    for (const it of old.values()) {
      const key: Item = {};
      for (const n of keyNames) key[n] = it[n];
      writes.push(this.del(table, key, pos));
    }
    const done = await Promise.all(writes);
    return done.every(Boolean) ? after : null;
  }

  private async put(table: string, item: Item, pos: string): Promise<boolean> {
    item[SRC_POS] = { N: pos };
    try {
      await this.dyn.send(
        new PutItemCommand({
          TableName: table,
          Item: item,
          ConditionExpression: CONDITION,
          ExpressionAttributeNames: { "#p": SRC_POS },
          ExpressionAttributeValues: { ":pos": { N: pos } },
        }),
      );
      this.s.itemsPut++;
      return true;
    } catch (e) {
      if (!isConditionFailure(e)) throw context(e, `PutItem ${table}`, item);
      this.s.stale++;
      return false;
    }
  }

  private async del(table: string, key: Item, pos: string): Promise<boolean> {
    try {
      await this.dyn.send(
        new DeleteItemCommand({
          TableName: table,
          Key: key,
          ConditionExpression: CONDITION,
          ExpressionAttributeNames: { "#p": SRC_POS },
          ExpressionAttributeValues: { ":pos": { N: pos } },
        }),
      );
      this.s.itemsDeleted++;
      return true;
    } catch (e) {
      if (!isConditionFailure(e)) throw context(e, `DeleteItem ${table}`, key);
      this.s.stale++;
      return false;
    }
  }

  async persist(slot: string | null, lastError: string | null): Promise<void> {
    const s = this.s;
    await writeState(this.dyn, this.prefix, {
      source: s.source,
      slot,
      lastPosition: s.lastPosition === null ? null : s.lastPosition.toString(),
      lastCommitTime: s.lastCommitTime?.toISOString() ?? null,
      asOf: s.asOf,
      changes: s.changes,
      transactions: s.transactions,
      errors: s.errors,
      stale: s.stale,
      lastError,
      updatedAt: new Date().toISOString(),
      pid: process.pid,
    });
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
    await this.planDb.end().catch(() => {});
    this.dyn.destroy();
  }
}

/**
 * Starts the projector in this process: `stats()` any time, `stop()` for a
 * clean stop (the transaction in hand finishes and is acknowledged). Counts
 * carry on from the state the previous run left.
 */
export async function startProjector(opts: ProjectorOptions): Promise<Projector> {
  const { PgoutputSource } = await import("./pgoutput-source.ts");
  let lastError: string | null = null;
  const source =
    opts.source ??
    new PgoutputSource({
      target: opts.endpoints.pg,
      onError: (e) => {
        lastError = e.message;
      },
    });
  const core = new ProjectorCore(opts.endpoints, {
    dataNowMs: opts.dataNowMs,
    pgConnections: opts.pgConnections,
    source: source.kind,
  });
  opts.onDynamoClient?.(core.dynamo);
  const slot = source.kind === "pgoutput" ? slotName(opts.endpoints.pg.database) : null;
  const prev = await core.init();
  if (prev) {
    core.s.changes = prev.changes;
    core.s.transactions = prev.transactions;
    core.s.errors = prev.errors;
    core.s.stale = prev.stale;
    core.s.asOf = prev.asOf;
    if (prev.lastPosition) core.s.lastPosition = BigInt(prev.lastPosition);
  }
  let stopping = false;
  const timer = setInterval(() => {
    void core.persist(slot, lastError).catch(() => {});
  }, opts.persistMs ?? 1000);
  timer.unref();

  const failed = (e: unknown) => {
    core.s.errors++;
    lastError = (e as Error).message;
    opts.onError?.(e as Error);
  };
  const backoff = (attempt: number) =>
    new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
  /** retried until it works (nothing is acknowledged before; the writes are idempotent) or stop */
  const retried = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        failed(e);
        if (stopping) return undefined;
        await backoff(attempt);
      }
    }
  };

  // the pipeline: transactions are prepared (their lookups) several at once
  // and planned in commit order; those whose keys are disjoint run at once,
  // up to maxInFlight prepared or running; one waits for the transactions
  // before it that share a key; acknowledgements follow commit order (a
  // position is confirmed only when every transaction up to it is in DynamoDB)
  const maxInFlight = opts.maxInFlight ?? 16;
  const holders = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  const order: { tx: CommittedTx; done: boolean }[] = [];
  let preparing = 0;
  /** registration in commit order: each transaction's plan after the one before */
  let planned: Promise<void> = Promise.resolve();
  const waiters: (() => void)[] = [];
  const wake = () => waiters.shift()?.();
  /** the acknowledgements sent, settled in order: stop waits for the last before the source stops */
  let acked: Promise<void> = Promise.resolve();
  const drain = () => {
    let last: CommittedTx | null = null;
    while (order.length > 0 && order[0].done) last = (order.shift() as { tx: CommittedTx }).tx;
    if (!last) return;
    core.s.lastPosition = last.position;
    core.s.lastCommitTime = last.commitTime;
    // one at a time, in order; a failed one (the outbox's, say, on a lost connection)
    // is counted and the next covers its position too
    const position = last.position;
    acked = acked.then(() => source.acknowledge(position)).catch(failed);
  };
  const schedule = (tx: CommittedTx, prepared: Prepared | undefined) => {
    preparing--;
    if (!prepared || stopping) {
      wake();
      return;
    }
    const plan = core.order(tx, prepared);
    const entry = { tx, done: false };
    order.push(entry);
    const deps: Promise<void>[] = [];
    for (const k of plan.keys) {
      const d = holders.get(k);
      if (d) deps.push(d);
    }
    const p: Promise<void> = (deps.length > 0 ? Promise.all(deps) : Promise.resolve()).then(
      async () => {
        const ok = await retried(async () => {
          await plan.run();
          return true;
        });
        for (const k of plan.keys) if (holders.get(k) === p) holders.delete(k);
        running.delete(p);
        core.s.inFlight = running.size;
        entry.done = ok === true;
        drain();
        wake();
      },
    );
    for (const k of plan.keys) holders.set(k, p);
    running.add(p);
    core.s.inFlight = running.size;
  };
  const apply = async (tx: CommittedTx): Promise<void> => {
    // once stopping, nothing more is applied (nor acknowledged: it replays next time)
    if (stopping) return;
    while (running.size + preparing >= maxInFlight) await new Promise<void>((r) => waiters.push(r));
    if (stopping) return;
    preparing++;
    if (changesCatalog(tx)) {
      // alone: after every transaction before it is planned, before the next is handed over
      await planned;
      const prepared = await retried(() => core.prepare(tx));
      planned = planned.then(() => schedule(tx, prepared));
      await planned;
      return;
    }
    const prepared = retried(() => core.prepare(tx));
    planned = planned.then(async () => schedule(tx, await prepared));
  };
  const done = source.start(apply).finally(async () => {
    clearInterval(timer);
  });
  done.catch(() => {});
  return {
    stats: () => core.s,
    done,
    async waitCaughtUp(timeoutMs = 60_000) {
      if (!source.mark || !source.seen) throw new Error(`the ${source.kind} source has no marks`);
      const seen = source.seen.bind(source);
      const mark = await source.mark();
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (seen() >= mark && preparing === 0 && running.size === 0 && order.length === 0)
          return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return false;
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      while (waiters.length > 0) wake();
      await planned;
      await Promise.all(running);
      drain();
      await acked;
      await source.stop();
      await done.catch(() => {});
      await core.persist(slot, lastError).catch(() => {});
      await core.close();
      return core.s;
    },
  };
}

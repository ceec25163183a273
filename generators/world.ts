import { CITIES } from "./catalogue/cities.ts";
import { CUISINES, DISH_TYPES } from "./catalogue/cuisines.ts";
import { BADGES, CAREER_LEVELS } from "./catalogue/reference.ts";
import { GroupIndex, type GroupIndexState, sharedArray } from "./group-index.ts";
import { defaultPools, type Pools } from "./pools.ts";
import {
  AffinePermutation,
  cumulative,
  hash32,
  hashFloat,
  paretoMultiplier,
  pickWeighted,
  type Rng,
  Zipf,
} from "./random.ts";
import type { ScaleConfig } from "./scale.ts";
import { Clock } from "./time.ts";

/** Salts: one per independent decision, so changing one never shifts another. */
export const S = {
  activity: 101,
  city: 102,
  userTime: 103,
  rankCount: 104,
  listLen: 105,
  badgeCount: 106,
  followCount: 107,
  reviewCount: 108,
  commentCount: 109,
  restDishes: 110,
  restMenu: 111,
  restTime: 112,
  reviewTime: 113,
  listTime: 114,
  userPerm: 115,
  restPerm: 116,
  reviewPerm: 117,
  commentTime: 118,
  badgeTime: 119,
  followTime: 120,
} as const;

/** Share of a user's rankings and reviews in their home city (the rest: travel). */
export const HOME_CITY_SHARE = 0.6;
/**
 * Share of picks that go to a cuisine's famous restaurants wherever they are
 * (destinations, travel): Zipf over a per-cuisine fame order. This is what gives
 * the top 1% of restaurants their outsized share; the rest is the home city.
 */
export const FAMOUS_SHARE = 0.3;
export const FAME_ZIPF = 1.4;
/** Zipf exponents: restaurant popularity within a city and cuisine, follower in-degree, review popularity. */
export const RESTAURANT_ZIPF = 1.4;
export const FOLLOW_ZIPF = 0.7;
export const REVIEW_ZIPF = 0.9;
/** Per-user caps (a heavy user is capped, never unbounded). */
export const MAX_LISTS = 40;
export const MAX_REVIEWS = 400;
export const MAX_COMMENTS = 600;
export const MAX_BADGES = 30;
export const MAX_FOLLOWS = 3000;
/** Points per activity (user_activity_points.points); career levels follow their sum. */
export const POINTS = { dish_ranking: 10, review: 25, comment: 5, badge_earned: 50 } as const;

const DISH_TYPE_WEIGHTS: number[] = [];
const TYPE_CUISINE: number[] = [];
const TYPE_POS: number[] = [];
CUISINES.forEach((c, ci) => {
  c.dishTypes.forEach((_, pos) => {
    DISH_TYPE_WEIGHTS.push(c.weight / (pos + 1) ** 0.8);
    TYPE_CUISINE.push(ci);
    TYPE_POS.push(pos);
  });
});
const TYPE_CUM = cumulative(DISH_TYPE_WEIGHTS);
const CITY_CUM = cumulative(CITIES.map((c) => c.population));
const BADGE_CUM = cumulative(BADGES.map((b) => b.rarity));
/** Hours east of UTC, from longitude (good enough for a daily cycle). */
const CITY_UTC_OFFSET = CITIES.map((c) => Math.round(c.longitude / 15));

function countWith(mean: number, mult: number, u1: number, u2: number, cap: number): number {
  const n = Math.floor(mean * mult * (0.5 + u1) + u2);
  return Math.min(n, cap);
}

type Means = {
  rankings: number;
  badges: number;
  follows: number;
  reviews: number;
  comments: number;
};
const GROUPS = ["rankings", "badges", "follows", "reviews", "comments", "activity"] as const;
type GroupName = (typeof GROUPS)[number];

/**
 * What a World computes from its config that costs time or memory (per
 * restaurant, per block of users), as typed arrays over SharedArrayBuffers:
 * `world.share()` in one thread, `new World(cfg, pools, state)` in another
 * (a worker, via workerData or postMessage) uses the same memory, no copy.
 */
export interface WorldState {
  users: number;
  restaurants: number;
  restCell: Uint16Array;
  restMenuOffset: Uint8Array;
  restDishCount: Uint8Array;
  dishStart: Float64Array | Uint32Array;
  mean: Means;
  groups: Record<GroupName, GroupIndexState>;
}

/**
 * Everything about the generated world that is a pure function of (config, index):
 * where users live, how active they are, how restaurants are laid out by city and
 * cuisine, and the per-user row counts of every child table. Small typed arrays
 * only: per restaurant (cell, menu offset, dish count, first dish) and per block
 * of 32 users (child-table prefix sums).
 */
export class World {
  readonly cfg: ScaleConfig;
  readonly seed: number;
  readonly clock: Clock;
  private _pools?: Pools;
  readonly users: number;
  readonly restaurants: number;

  // restaurant layout: cells are (cuisine, city) ranges of layout positions
  readonly cellCuisine: Uint8Array;
  readonly cellCity: Uint8Array;
  readonly cellStart: Float64Array;
  /** cell id per (cuisine * cities + city), -1 when empty */
  private readonly cellOf: Int32Array;
  /** per cuisine: non-empty cell ids and their cumulative sizes */
  private readonly cuisineCells: Int32Array[];
  private readonly cuisineCellCum: Float64Array[];
  readonly restPerm: AffinePermutation;
  readonly restCell: Uint16Array;
  readonly restMenuOffset: Uint8Array;
  readonly restDishCount: Uint8Array;
  /** first dish index per restaurant; dishStart[restaurants] = dish count */
  readonly dishStart: Float64Array | Uint32Array;
  readonly userPerm: AffinePermutation;
  /** per cuisine: first layout position, fame rank -> position offset, fame sampler */
  private readonly cuisineStart: number[] = [];
  private readonly famePerm: AffinePermutation[] = [];
  private readonly fameZipf: Zipf[] = [];
  private readonly cellZipf: Zipf[] = [];
  private readonly followZipf: Zipf;
  private _reviewZipf?: Zipf;

  /**
   * Per-user means actually used: the configured means, calibrated on a sample
   * of users so that caps and the Pareto tail do not shrink the expected table
   * sizes (the exact counts still come from the group indexes).
   */
  private readonly mean: Means = { rankings: 0, badges: 0, follows: 0, reviews: 0, comments: 0 };
  /** group index tables received from another thread */
  private readonly given?: WorldState["groups"];

  private _rankings?: GroupIndex;
  private _badges?: GroupIndex;
  private _follows?: GroupIndex;
  private _reviews?: GroupIndex;
  private _comments?: GroupIndex;
  private _activity?: GroupIndex;
  private _reviewPerm?: AffinePermutation;

  /**
   * `pools` may be omitted when only counts and ids are needed (then built on
   * first use). `state`: from `share()` of a World of the same config (another
   * thread's), whose tables are then used instead of computed.
   */
  constructor(cfg: ScaleConfig, pools?: Pools, state?: WorldState) {
    this.cfg = cfg;
    this.seed = cfg.seed;
    this.clock = new Clock(cfg.epochMs, cfg.windowDays);
    this._pools = pools;
    this.users = cfg.users;
    this.restaurants = cfg.restaurants;
    const nCities = CITIES.length;
    const nCuisines = CUISINES.length;

    // restaurants per cuisine (largest remainder, at least one each), then per city by population
    const perCuisine = apportion(
      cfg.restaurants,
      CUISINES.map((c) => c.weight),
      1,
    );
    const cellCuisine: number[] = [];
    const cellCity: number[] = [];
    const starts: number[] = [];
    this.cellOf = new Int32Array(nCuisines * nCities).fill(-1);
    this.cuisineCells = [];
    this.cuisineCellCum = [];
    let pos = 0;
    for (let c = 0; c < nCuisines; c++) {
      this.cuisineStart.push(pos);
      this.famePerm.push(new AffinePermutation(perCuisine[c], cfg.seed, 1000 + c));
      this.fameZipf.push(new Zipf(Math.max(1, perCuisine[c]), FAME_ZIPF));
      const perCity = apportion(
        perCuisine[c],
        CITIES.map((x) => x.population),
        0,
      );
      const ids: number[] = [];
      const sizes: number[] = [];
      for (let city = 0; city < nCities; city++) {
        if (perCity[city] === 0) continue;
        const id = starts.length;
        this.cellOf[c * nCities + city] = id;
        cellCuisine.push(c);
        cellCity.push(city);
        starts.push(pos);
        pos += perCity[city];
        ids.push(id);
        sizes.push(perCity[city]);
      }
      this.cuisineCells.push(Int32Array.from(ids));
      this.cuisineCellCum.push(cumulative(sizes));
    }
    starts.push(pos);
    for (let cell = 0; cell + 1 < starts.length; cell++) {
      this.cellZipf.push(new Zipf(starts[cell + 1] - starts[cell], RESTAURANT_ZIPF));
    }
    this.cellCuisine = Uint8Array.from(cellCuisine);
    this.cellCity = Uint8Array.from(cellCity);
    this.cellStart = Float64Array.from(starts);

    const nr = cfg.restaurants;
    this.restPerm = new AffinePermutation(nr, cfg.seed, S.restPerm);
    this.userPerm = new AffinePermutation(cfg.users, cfg.seed, S.userPerm);
    this.followZipf = new Zipf(cfg.users, FOLLOW_ZIPF);
    if (state) {
      if (state.users !== cfg.users || state.restaurants !== nr) {
        throw new Error("World: the shared state belongs to another scale");
      }
      this.restCell = state.restCell;
      this.restMenuOffset = state.restMenuOffset;
      this.restDishCount = state.restDishCount;
      this.dishStart = state.dishStart;
      Object.assign(this.mean, state.mean);
      this.given = state.groups;
      return;
    }
    this.restCell = sharedArray(Uint16Array, nr);
    this.restMenuOffset = sharedArray(Uint8Array, nr);
    this.restDishCount = sharedArray(Uint8Array, nr);
    for (let cell = 0; cell < cellCuisine.length; cell++) {
      const menu = CUISINES[cellCuisine[cell]].dishTypes.length;
      for (let p = starts[cell]; p < starts[cell + 1]; p++) {
        const r = this.restPerm.inverse(p);
        this.restCell[r] = cell;
        const head = p === starts[cell];
        const d = Math.max(
          1,
          countWith(
            cfg.dishesPerRestaurant,
            1,
            hashFloat(cfg.seed, S.restDishes, r, 1),
            hashFloat(cfg.seed, S.restDishes, r, 2),
            255,
          ),
        );
        // the most popular restaurant of each cell serves the cuisine's whole menu
        this.restDishCount[r] = head ? Math.min(255, Math.max(d, menu)) : d;
        this.restMenuOffset[r] = head ? 0 : hash32(cfg.seed, S.restMenu, r) % menu;
      }
    }
    let dishes = 0;
    for (let r = 0; r < nr; r++) dishes += this.restDishCount[r];
    this.dishStart =
      dishes < 2 ** 32 ? sharedArray(Uint32Array, nr + 1) : sharedArray(Float64Array, nr + 1);
    let ds = 0;
    for (let r = 0; r < nr; r++) {
      this.dishStart[r] = ds;
      ds += this.restDishCount[r];
    }
    this.dishStart[nr] = ds;
    this.mean.rankings = cfg.rankingsPerUser;
    this.mean.badges = cfg.badgesPerUser;
    this.mean.follows = cfg.followsPerUser;
    this.mean.reviews = cfg.reviewsPerUser;
    this.mean.comments = cfg.commentsPerUser;
    this.calibrate("rankings", cfg.rankingsPerUser, (u) => this.rankingCount(u));
    this.calibrate("badges", cfg.badgesPerUser, (u) => this.badgeCount(u));
    this.calibrate("follows", cfg.followsPerUser, (u) => this.followCount(u));
    this.calibrate("reviews", cfg.reviewsPerUser, (u) => this.reviewCount(u));
    this.calibrate("comments", cfg.commentsPerUser, (u) => this.uncheckedCommentCount(u));
  }

  /**
   * This World's tables, every group index built (the calling thread pays for
   * them once), for `new World(cfg, pools, state)` in other threads.
   */
  share(): WorldState {
    const groups = {} as WorldState["groups"];
    for (const g of GROUPS) groups[g] = this.group(g).state();
    return {
      users: this.users,
      restaurants: this.restaurants,
      restCell: this.restCell,
      restMenuOffset: this.restMenuOffset,
      restDishCount: this.restDishCount,
      dishStart: this.dishStart,
      mean: { ...this.mean },
      groups,
    };
  }

  private group(g: GroupName): GroupIndex {
    switch (g) {
      case "rankings":
        return this.rankingIndex;
      case "badges":
        return this.badgeIndex;
      case "follows":
        return this.followIndex;
      case "reviews":
        return this.reviewIndex;
      case "comments":
        return this.commentIndex;
      case "activity":
        return this.activityIndex;
    }
  }

  private calibrate(key: keyof World["mean"], target: number, count: (u: number) => number): void {
    const sample = Math.min(this.users, 20_000);
    const stride = this.users / sample;
    for (let round = 0; round < 3; round++) {
      let sum = 0;
      for (let k = 0; k < sample; k++) sum += count(Math.floor(k * stride));
      if (sum === 0) return;
      this.mean[key] *= (target * sample) / sum;
    }
  }

  /** The faker pools (rows need them; counts and ids do not). */
  get pools(): Pools {
    this._pools ??= defaultPools(this.seed);
    return this._pools;
  }

  // ---- users -------------------------------------------------------------

  /** Activity multiplier (mean ~1, heavy-tailed): heavy users rank, review and follow more. */
  activity(u: number): number {
    return paretoMultiplier(hashFloat(this.seed, S.activity, u));
  }

  cityOf(u: number): number {
    return pickWeighted(CITY_CUM, hashFloat(this.seed, S.city, u));
  }

  utcOffset(city: number): number {
    return CITY_UTC_OFFSET[city];
  }

  /** Sign-up time: more users join later in the window (a growing service). */
  userCreated(u: number, city = this.cityOf(u)): number {
    const s = this.seed;
    return this.clock.at(
      0,
      hashFloat(s, S.userTime, u, 1),
      hashFloat(s, S.userTime, u, 2),
      hashFloat(s, S.userTime, u, 3),
      CITY_UTC_OFFSET[city],
      2,
    );
  }

  /** How many dishes a user keeps per ranked list (their top-N), 1..5. */
  listLength(u: number): number {
    const x = hash32(this.seed, S.listLen, u) % 10;
    return x < 1 ? 1 : x < 3 ? 2 : x < 7 ? 3 : x < 9 ? 4 : 5;
  }

  rankingCount(u: number, act = this.activity(u)): number {
    const s = this.seed;
    const cap = this.listLength(u) * Math.min(MAX_LISTS, DISH_TYPES.length);
    return countWith(
      this.mean.rankings,
      act,
      hashFloat(s, S.rankCount, u, 1),
      hashFloat(s, S.rankCount, u, 2),
      cap,
    );
  }

  badgeCount(u: number, act = this.activity(u)): number {
    const s = this.seed;
    return countWith(
      this.mean.badges,
      Math.sqrt(act),
      hashFloat(s, S.badgeCount, u, 1),
      hashFloat(s, S.badgeCount, u, 2),
      MAX_BADGES,
    );
  }

  followCount(u: number, act = this.activity(u)): number {
    const s = this.seed;
    const cap = Math.min(MAX_FOLLOWS, Math.floor((this.users - 1) / 2));
    return countWith(
      this.mean.follows,
      act,
      hashFloat(s, S.followCount, u, 1),
      hashFloat(s, S.followCount, u, 2),
      cap,
    );
  }

  reviewCount(u: number, act = this.activity(u)): number {
    const s = this.seed;
    return countWith(
      this.mean.reviews,
      act,
      hashFloat(s, S.reviewCount, u, 1),
      hashFloat(s, S.reviewCount, u, 2),
      MAX_REVIEWS,
    );
  }

  commentCount(u: number, act = this.activity(u)): number {
    // nothing to comment on without reviews
    if (this.reviewIndex.total === 0) return 0;
    return this.uncheckedCommentCount(u, act);
  }

  private uncheckedCommentCount(u: number, act = this.activity(u)): number {
    const s = this.seed;
    return countWith(
      this.mean.comments,
      act,
      hashFloat(s, S.commentCount, u, 1),
      hashFloat(s, S.commentCount, u, 2),
      MAX_COMMENTS,
    );
  }

  activityCount(u: number): number {
    const a = this.activity(u);
    return (
      this.rankingCount(u, a) +
      this.reviewCount(u, a) +
      this.commentCount(u, a) +
      this.badgeCount(u, a)
    );
  }

  /** Total points, as the sum of the user's user_activity_points rows. */
  points(u: number): number {
    const a = this.activity(u);
    return (
      POINTS.dish_ranking * this.rankingCount(u, a) +
      POINTS.review * this.reviewCount(u, a) +
      POINTS.comment * this.commentCount(u, a) +
      POINTS.badge_earned * this.badgeCount(u, a)
    );
  }

  /** career_level_id (1-based) reached with the user's points. */
  careerLevel(u: number): number {
    const p = this.points(u);
    let level = 1;
    for (let i = 0; i < CAREER_LEVELS.length; i++) {
      if (p >= CAREER_LEVELS[i].required_points) level = i + 1;
    }
    return level;
  }

  get rankingIndex(): GroupIndex {
    this._rankings ??= new GroupIndex(
      this.users,
      (u) => this.rankingCount(u),
      false,
      this.given?.rankings,
    );
    return this._rankings;
  }
  get badgeIndex(): GroupIndex {
    this._badges ??= new GroupIndex(
      this.users,
      (u) => this.badgeCount(u),
      false,
      this.given?.badges,
    );
    return this._badges;
  }
  get followIndex(): GroupIndex {
    this._follows ??= new GroupIndex(
      this.users,
      (u) => this.followCount(u),
      false,
      this.given?.follows,
    );
    return this._follows;
  }
  get reviewIndex(): GroupIndex {
    this._reviews ??= new GroupIndex(
      this.users,
      (u) => this.reviewCount(u),
      true,
      this.given?.reviews,
    );
    return this._reviews;
  }
  get commentIndex(): GroupIndex {
    this._comments ??= new GroupIndex(
      this.users,
      (u) => this.commentCount(u),
      false,
      this.given?.comments,
    );
    return this._comments;
  }
  get activityIndex(): GroupIndex {
    this._activity ??= new GroupIndex(
      this.users,
      (u) => this.activityCount(u),
      false,
      this.given?.activity ?? this.summedState(),
    );
    return this._activity;
  }

  /**
   * A user's activity rows are their rankings, reviews, comments and badges,
   * so the activity index's block sums are the sums of those four indexes'
   * (no second pass over every user).
   */
  private summedState(): GroupIndexState {
    const parts = [this.rankingIndex, this.reviewIndex, this.commentIndex, this.badgeIndex].map(
      (g) => g.state(),
    );
    const prefix = sharedArray(Float64Array, parts[0].prefix.length);
    for (const p of parts) for (let b = 0; b < prefix.length; b++) prefix[b] += p.prefix[b];
    return { parents: this.users, total: prefix[prefix.length - 1], prefix };
  }
  /** Zipf over review popularity ranks. */
  get reviewZipf(): Zipf {
    this._reviewZipf ??= new Zipf(Math.max(1, this.reviewIndex.total), REVIEW_ZIPF);
    return this._reviewZipf;
  }

  /** Review popularity rank -> review index (popular reviews draw most comments). */
  get reviewPerm(): AffinePermutation {
    this._reviewPerm ??= new AffinePermutation(
      Math.max(1, this.reviewIndex.total),
      this.seed,
      S.reviewPerm,
    );
    return this._reviewPerm;
  }

  // ---- restaurants and dishes -------------------------------------------

  get dishes(): number {
    return this.dishStart[this.restaurants];
  }

  restaurantCuisine(r: number): number {
    return this.cellCuisine[this.restCell[r]];
  }

  restaurantCity(r: number): number {
    return this.cellCity[this.restCell[r]];
  }

  /** Popularity rank of a restaurant inside its city and cuisine (0 = most popular). */
  restaurantRankInCell(r: number): number {
    return this.restPerm.forward(r) - this.cellStart[this.restCell[r]];
  }

  restaurantCreated(r: number): number {
    const s = this.seed;
    return this.clock.at(
      0,
      hashFloat(s, S.restTime, r, 1) * 0.7,
      hashFloat(s, S.restTime, r, 2),
      hashFloat(s, S.restTime, r, 3),
      CITY_UTC_OFFSET[this.restaurantCity(r)],
    );
  }

  /** The restaurant serving dish `d` (binary search over dishStart). */
  restaurantOfDish(d: number): number {
    let lo = 0;
    let hi = this.restaurants - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.dishStart[mid] <= d) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Dish type index (into DISH_TYPES) of the o-th dish of restaurant r. */
  dishTypeAt(r: number, o: number): number {
    const c = this.restaurantCuisine(r);
    const menu = CUISINES[c].dishTypes.length;
    return CUISINE_TYPE_BASE[c] + ((this.restMenuOffset[r] + o) % menu);
  }

  /**
   * A dish of type `t` for user `u`: in the user's city most of the time
   * (`homeCity`), else anywhere the cuisine is served, at a Zipf-popular
   * restaurant of that city and cuisine. Returns the dish index.
   */
  pickDish(homeCity: number, t: number, rng: Rng): number {
    const c = TYPE_CUISINE[t];
    const q = TYPE_POS[t];
    const menu = CUISINES[c].dishTypes.length;
    const where = rng.next();
    if (where < FAMOUS_SHARE) {
      for (let attempt = 0; attempt < 4; attempt++) {
        const k = this.fameZipf[c].sample(rng.next());
        const r = this.restPerm.inverse(this.cuisineStart[c] + this.famePerm[c].forward(k));
        const o = (q - this.restMenuOffset[r] + menu) % menu;
        if (o < this.restDishCount[r]) return this.dishStart[r] + o;
      }
    }
    let cell = -1;
    if (where >= FAMOUS_SHARE && where < FAMOUS_SHARE + HOME_CITY_SHARE) {
      cell = this.cellOf[c * CITIES.length + homeCity];
    }
    if (cell < 0) {
      cell = this.cuisineCells[c][pickWeighted(this.cuisineCellCum[c], rng.next())];
    }
    const start = this.cellStart[cell];
    for (let attempt = 0; attempt < 6; attempt++) {
      const r = this.restPerm.inverse(start + this.cellZipf[cell].sample(rng.next()));
      const o = (q - this.restMenuOffset[r] + menu) % menu;
      if (o < this.restDishCount[r]) return this.dishStart[r] + o;
    }
    // the cell's head restaurant serves every dish type of its cuisine
    const head = this.restPerm.inverse(start);
    return this.dishStart[head] + q;
  }

  /** A dish type (index into DISH_TYPES), most popular first by weight. */
  pickDishType(u: number): number {
    return pickWeighted(TYPE_CUM, u);
  }

  /** A badge index (0-based), common badges more often. */
  pickBadge(u: number): number {
    return pickWeighted(BADGE_CUM, u);
  }

  /** A followed user: Zipf over popularity ranks (power-law in-degree). */
  pickFollowed(u: number): number {
    return this.userPerm.forward(this.followZipf.sample(u));
  }
}

/** Index of each cuisine's first dish type in DISH_TYPES. */
export const CUISINE_TYPE_BASE: number[] = [];
{
  let b = 0;
  for (const c of CUISINES) {
    CUISINE_TYPE_BASE.push(b);
    b += c.dishTypes.length;
  }
}

export { CITY_UTC_OFFSET, TYPE_CUISINE, TYPE_POS };

/** Splits `total` by weights with the largest-remainder method, at least `min` each. */
export function apportion(total: number, weights: readonly number[], min: number): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(min);
  const rest = total - min * n;
  if (rest < 0) {
    // fewer than `min` each: give one to the heaviest first
    const order = weights.map((w, i) => [w, i]).sort((a, b) => b[0] - a[0]);
    const r = new Array<number>(n).fill(0);
    for (let k = 0; k < total; k++) r[order[k % n][1]]++;
    return r;
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * rest);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const f = Math.floor(exact[i]);
    out[i] += f;
    given += f;
  }
  const order = exact
    .map((e, i) => [e - Math.floor(e), i])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < rest - given; k++) out[order[k][1]]++;
  return out;
}

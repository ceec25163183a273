import { DISH_TYPES } from "../catalogue/cuisines.ts";
import type { CopyWriter } from "../copy.ts";
import { uuidFor } from "../ids.ts";
import { frac, hash32, Rng } from "../random.ts";
import type { World } from "../world.ts";
import { CODE, DISH_TYPE_BYTES, hex8, IMAGE_HOST, tableSeed, writeId } from "./common.ts";
import { GroupedCursor } from "./grouped.ts";

export const RANKING_COLUMNS = [
  "ranking_id",
  "user_id",
  "dish_id",
  "dish_type",
  "restaurant_id",
  "rank",
  "notes",
  "photo_url",
  "created_at",
  "updated_at",
] as const;

export interface RankingRow {
  ranking_id: string;
  user_id: string;
  dish_id: string;
  dish_type: string;
  restaurant_id: string;
  rank: number;
  notes: string | null;
  photo_url: string | null;
  created_at: number;
  updated_at: number;
}

const PHOTOS = `${IMAGE_HOST}/rankings/`;
const MINUTE = 60_000;

/**
 * The dish types of a user's ranked lists (distinct per user, popular types
 * first by weight). One-best system: a user keeps one top-N list per dish type,
 * so (user, dish_type, rank) is unique, hence so is (user, dish_type, restaurant, rank).
 */
export class ListTypes {
  readonly types = new Uint16Array(64);
  private readonly mark = new Uint32Array(DISH_TYPES.length);
  private gen = 0;
  private readonly rng = new Rng();
  private readonly ts: number;

  constructor(private readonly w: World) {
    this.ts = tableSeed(w.seed, "dish_rankings", 1);
  }

  compute(u: number, lists: number): void {
    const rng = this.rng.reset(this.ts, u);
    this.gen++;
    const nTypes = DISH_TYPES.length;
    for (let l = 0; l < lists; l++) {
      let t = this.w.pickDishType(rng.next());
      for (let k = 0; k < 20 && this.mark[t] === this.gen; k++) t = this.w.pickDishType(rng.next());
      while (this.mark[t] === this.gen) t = (t + 1) % nTypes;
      this.mark[t] = this.gen;
      this.types[l] = t;
    }
  }
}

/** When list l of user u was started (local daily cycle); ranks follow minutes apart. */
export function listStarted(
  w: World,
  u: number,
  l: number,
  userCreated: number,
  city: number,
): number {
  const h = hash32(w.seed, 0x115, u, l);
  return w.clock.at(userCreated, frac(h, 0), frac(h, 1), frac(h, 2), w.utcOffset(city));
}

/** created_at of user u's ranking at list l, rank (1-based). */
export function rankingCreated(
  w: World,
  u: number,
  l: number,
  rank: number,
  userCreated: number,
  city: number,
): number {
  const t =
    listStarted(w, u, l, userCreated, city) +
    (rank - 1) * (2 + (hash32(w.seed, 0x116, u, l) % 9)) * MINUTE;
  return Math.min(t, w.clock.endMs - 1);
}

export class RankingCursor extends GroupedCursor {
  private readonly rng = new Rng();
  private readonly listRng = new Rng();
  private readonly ts: number;
  private readonly tsList: number;
  private readonly lt: ListTypes;
  // per user
  private city = 0;
  private created = 0;
  private listLen = 1;
  // per list
  private list = -1;
  private readonly listDishes = new Float64Array(8);
  private readonly listRests = new Float64Array(8);
  // the row
  private dish = 0;
  private rest = 0;
  private type = 0;
  private rank = 1;
  private note = -1;
  private photo = -1;
  private createdAt = 0;
  private updatedAt = 0;

  constructor(private readonly w: World) {
    super(w.rankingIndex, w.seed);
    this.ts = tableSeed(w.seed, "dish_rankings");
    this.tsList = tableSeed(w.seed, "dish_rankings", 2);
    this.lt = new ListTypes(w);
  }

  protected enterUser(): void {
    const w = this.w;
    this.city = w.cityOf(this.u);
    this.created = w.userCreated(this.u);
    this.listLen = w.listLength(this.u);
    this.lt.compute(this.u, Math.ceil(this.n / this.listLen));
    this.list = -1;
  }

  private fillList(l: number): void {
    const w = this.w;
    const rng = this.listRng.reset(this.tsList, this.u, l);
    const t = this.lt.types[l];
    for (let k = 0; k < this.listLen; k++) {
      let d = w.pickDish(this.city, t, rng);
      // a list ranks different dishes when the city offers enough of them
      for (let a = 0; a < 6 && contains(this.listDishes, k, d); a++)
        d = w.pickDish(this.city, t, rng);
      this.listDishes[k] = d;
      this.listRests[k] = w.restaurantOfDish(d);
    }
    this.list = l;
  }

  protected compute(): void {
    const l = Math.floor(this.o / this.listLen);
    if (l !== this.list) this.fillList(l);
    const k = this.o - l * this.listLen;
    this.type = this.lt.types[l];
    this.rank = k + 1;
    this.dish = this.listDishes[k];
    this.rest = this.listRests[k];
    const rng = this.rng.reset(this.ts, this.index);
    const p = this.w.pools.notes;
    this.note = rng.next() < 0.5 ? rng.int(p.values.length) : -1;
    this.photo = rng.next() < 0.35 ? rng.u32() : -1;
    this.createdAt = rankingCreated(this.w, this.u, l, this.rank, this.created, this.city);
    this.updatedAt =
      rng.next() < 0.75
        ? this.createdAt
        : this.w.clock.later(this.createdAt, rng.next(), 45 * 86400000);
  }

  encode(out: CopyWriter): void {
    const seed = this.w.seed;
    writeId(out, CODE.dish_rankings, this.index, seed);
    out.tab();
    out.raw(this.userIdBytes);
    out.tab();
    writeId(out, CODE.dishes, this.dish, seed);
    out.tab();
    out.raw(DISH_TYPE_BYTES[this.type]);
    out.tab();
    writeId(out, CODE.restaurants, this.rest, seed);
    out.tab();
    out.uint(this.rank);
    out.tab();
    if (this.note >= 0) out.raw(this.w.pools.notes.bytes[this.note]);
    else out.nul();
    out.tab();
    if (this.photo >= 0) {
      out.ascii(PHOTOS);
      out.hex32(this.photo);
      out.ascii(".jpg");
    } else out.nul();
    out.tab();
    out.timestamp(this.createdAt);
    out.tab();
    out.timestamp(this.updatedAt);
  }

  record(): RankingRow {
    const seed = this.w.seed;
    return {
      ranking_id: uuidFor("dish_rankings", this.index, seed),
      user_id: uuidFor("users", this.u, seed),
      dish_id: uuidFor("dishes", this.dish, seed),
      dish_type: DISH_TYPES[this.type],
      restaurant_id: uuidFor("restaurants", this.rest, seed),
      rank: this.rank,
      notes: this.note >= 0 ? this.w.pools.notes.values[this.note] : null,
      photo_url: this.photo >= 0 ? `${PHOTOS}${hex8(this.photo)}.jpg` : null,
      created_at: this.createdAt,
      updated_at: this.updatedAt,
    };
  }
}

function contains(a: Float64Array, n: number, x: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] === x) return true;
  return false;
}

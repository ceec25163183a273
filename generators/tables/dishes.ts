import { CUISINES, DISH_MODIFIERS, DISH_TAGS, DISH_TYPES } from "../catalogue/cuisines.ts";
import { arrayLiteral, type CopyWriter } from "../copy.ts";
import { uuidFor } from "../ids.ts";
import { Rng } from "../random.ts";
import type { World } from "../world.ts";
import { CODE, DISH_TYPE_BYTES, hex8, IMAGE_HOST, tableSeed, writeId } from "./common.ts";
import { priceRange } from "./restaurants.ts";

export const DISH_COLUMNS = [
  "dish_id",
  "restaurant_id",
  "name",
  "description",
  "price",
  "image_url",
  "dish_type",
  "tags",
  "is_seasonal",
  "is_available",
  "created_at",
  "updated_at",
] as const;

export interface DishRow {
  dish_id: string;
  restaurant_id: string;
  name: string;
  description: string | null;
  price: number;
  image_url: string | null;
  dish_type: string;
  tags: string[];
  is_seasonal: boolean;
  is_available: boolean;
  created_at: number;
  updated_at: number;
}

const DISH_IMAGES = `${IMAGE_HOST}/dishes/`;

/** dishes: grouped by restaurant (contiguous), types from the restaurant's cuisine menu. */
export class DishCursor {
  private readonly rng = new Rng();
  private readonly ts: number;
  private d = 0;
  private r = 0;
  private o = 0;
  // the row
  private rest = 0;
  private type = 0;
  private name = "";
  private description: string | null = null;
  private cents = 0;
  private image = -1;
  private tags: string[] = [];
  private seasonal = false;
  private available = true;
  private created = 0;
  private updated = 0;

  constructor(private readonly w: World) {
    this.ts = tableSeed(w.seed, "dishes");
  }

  seek(i: number): void {
    this.d = i;
    this.r = this.w.restaurantOfDish(i);
    this.o = i - this.w.dishStart[this.r];
  }

  next(): void {
    const w = this.w;
    while (this.o >= w.restDishCount[this.r]) {
      this.r++;
      this.o = 0;
    }
    const d = this.d++;
    const r = this.r;
    const o = this.o++;
    const rng = this.rng.reset(this.ts, d);
    this.rest = r;
    this.type = w.dishTypeAt(r, o);
    const typeName = DISH_TYPES[this.type];
    const p = w.pools;
    const x = rng.next();
    this.name =
      x < 0.35
        ? typeName
        : x < 0.85
          ? `${rng.pick(DISH_MODIFIERS)} ${typeName}`
          : `${p.firstNames.values[rng.int(p.firstNames.values.length)]}'s ${typeName}`;
    this.description =
      rng.next() < 0.85
        ? `${rng.pick(p.dishAdjectives.values)} ${typeName.toLowerCase()} ${rng.pick(p.ingredients.values)}.`
        : null;
    const cuisine = CUISINES[w.restaurantCuisine(r)];
    const level = 0.55 + 0.22 * priceRange(w, r);
    const dollars = cuisine.dishPrice * level * (0.7 + 0.6 * rng.next());
    // menu prices end in .00, .50 or .95
    const whole = Math.max(1, Math.floor(dollars));
    const end = rng.int(3);
    this.cents = whole * 100 + (end === 0 ? 0 : end === 1 ? 50 : 95);
    this.image = rng.next() < 0.7 ? rng.u32() : -1;
    this.tags = [];
    const nTags = rng.next() < 0.4 ? 0 : rng.range(1, 3);
    for (let k = 0; k < nTags; k++) {
      const t = rng.pick(DISH_TAGS);
      if (!this.tags.includes(t)) this.tags.push(t);
    }
    this.seasonal = rng.next() < 0.06;
    this.available = rng.next() < 0.95;
    this.created = w.clock.later(w.restaurantCreated(r), rng.next(), 20 * 86400000);
    this.updated =
      rng.next() < 0.7 ? this.created : w.clock.later(this.created, rng.next(), 120 * 86400000);
  }

  encode(out: CopyWriter): void {
    const seed = this.w.seed;
    writeId(out, CODE.dishes, this.d - 1, seed);
    out.tab();
    writeId(out, CODE.restaurants, this.rest, seed);
    out.tab();
    out.text(this.name);
    out.tab();
    out.textOrNull(this.description);
    out.tab();
    out.decimal(this.cents, 2);
    out.tab();
    if (this.image >= 0) {
      out.ascii(DISH_IMAGES);
      out.hex32(this.image);
      out.ascii(".jpg");
    } else out.nul();
    out.tab();
    out.raw(DISH_TYPE_BYTES[this.type]);
    out.tab();
    out.ascii(arrayLiteral(this.tags));
    out.tab();
    out.bool(this.seasonal);
    out.tab();
    out.bool(this.available);
    out.tab();
    out.timestamp(this.created);
    out.tab();
    out.timestamp(this.updated);
  }

  record(): DishRow {
    const seed = this.w.seed;
    return {
      dish_id: uuidFor("dishes", this.d - 1, seed),
      restaurant_id: uuidFor("restaurants", this.rest, seed),
      name: this.name,
      description: this.description,
      price: this.cents / 100,
      image_url: this.image >= 0 ? `${DISH_IMAGES}${hex8(this.image)}.jpg` : null,
      dish_type: DISH_TYPES[this.type],
      tags: [...this.tags],
      is_seasonal: this.seasonal,
      is_available: this.available,
      created_at: this.created,
      updated_at: this.updated,
    };
  }
}

import { DISH_TYPES } from "../catalogue/cuisines.ts";
import type { CopyWriter } from "../copy.ts";
import { uuidFor } from "../ids.ts";
import { frac, hash32, Rng } from "../random.ts";
import type { World } from "../world.ts";
import { CODE, IMAGE_HOST, tableSeed, writeId } from "./common.ts";
import { GroupedCursor } from "./grouped.ts";

export const REVIEW_COLUMNS = [
  "review_id",
  "user_id",
  "dish_id",
  "content",
  "photos",
  "created_at",
  "updated_at",
] as const;

export interface ReviewRow {
  review_id: string;
  user_id: string;
  dish_id: string;
  content: string;
  photos: string[];
  created_at: number;
  updated_at: number;
}

export const COMMENT_COLUMNS = [
  "comment_id",
  "user_id",
  "review_id",
  "content",
  "created_at",
  "updated_at",
] as const;

export interface CommentRow {
  comment_id: string;
  user_id: string;
  review_id: string;
  content: string;
  created_at: number;
  updated_at: number;
}

const REVIEW_PHOTOS = `${IMAGE_HOST}/reviews/`;
const OPENERS = [
  "The {t} here is worth talking about.",
  "Came for the {t}, stayed for dessert.",
  "My go-to {t} spot.",
  "Finally tried their {t}.",
  "Third time ordering the {t}.",
  "",
  "",
];

/** created_at of review `index` written by user u. */
export function reviewCreated(w: World, u: number, index: number): number {
  const h = hash32(w.seed, 0x113, index);
  return w.clock.at(
    w.userCreated(u),
    frac(h, 0),
    frac(h, 1),
    frac(h, 2),
    w.utcOffset(w.cityOf(u)),
    1.5,
  );
}

export class ReviewCursor extends GroupedCursor {
  private readonly rng = new Rng();
  private readonly ts: number;
  private city = 0;
  private dish = 0;
  private content = "";
  private photos: string[] = [];
  private created = 0;
  private updated = 0;

  constructor(private readonly w: World) {
    super(w.reviewIndex, w.seed);
    this.ts = tableSeed(w.seed, "reviews");
  }

  protected enterUser(): void {
    this.city = this.w.cityOf(this.u);
  }

  protected compute(): void {
    const w = this.w;
    const rng = this.rng.reset(this.ts, this.index);
    const t = w.pickDishType(rng.next());
    this.dish = w.pickDish(this.city, t, rng);
    const sentences = w.pools.reviewSentences.values;
    const opener = rng.pick(OPENERS);
    let text = opener === "" ? "" : opener.replace("{t}", DISH_TYPES[t].toLowerCase());
    const n = rng.range(1, 5);
    for (let k = 0; k < n; k++)
      text += (text === "" ? "" : " ") + sentences[rng.int(sentences.length)];
    this.content = text;
    this.photos = [];
    const nPhotos = rng.next() < 0.55 ? 0 : rng.range(1, 3);
    for (let k = 0; k < nPhotos; k++) {
      this.photos.push(`${REVIEW_PHOTOS}${(rng.u32() >>> 0).toString(16).padStart(8, "0")}.jpg`);
    }
    this.created = reviewCreated(w, this.u, this.index);
    this.updated =
      rng.next() < 0.8 ? this.created : w.clock.later(this.created, rng.next(), 7 * 86400000);
  }

  encode(out: CopyWriter): void {
    const seed = this.w.seed;
    writeId(out, CODE.reviews, this.index, seed);
    out.tab();
    out.raw(this.userIdBytes);
    out.tab();
    writeId(out, CODE.dishes, this.dish, seed);
    out.tab();
    out.text(this.content);
    out.tab();
    // URLs have no characters an array literal or COPY must quote
    out.ascii(`{${this.photos.join(",")}}`);
    out.tab();
    out.timestamp(this.created);
    out.tab();
    out.timestamp(this.updated);
  }

  record(): ReviewRow {
    const seed = this.w.seed;
    return {
      review_id: uuidFor("reviews", this.index, seed),
      user_id: uuidFor("users", this.u, seed),
      dish_id: uuidFor("dishes", this.dish, seed),
      content: this.content,
      photos: [...this.photos],
      created_at: this.created,
      updated_at: this.updated,
    };
  }
}

/**
 * comments: written by users in proportion to their activity, on reviews chosen
 * by Zipf over a popularity permutation of reviews (a few reviews draw long
 * threads), always after the review was written.
 */
export class CommentCursor extends GroupedCursor {
  private readonly rng = new Rng();
  private readonly ts: number;
  private readonly tmp = new Float64Array(1);
  private userCreated = 0;
  private review = 0;
  private text = 0;
  private created = 0;
  private updated = 0;

  constructor(private readonly w: World) {
    super(w.commentIndex, w.seed);
    this.ts = tableSeed(w.seed, "comments");
  }

  protected enterUser(): void {
    this.userCreated = this.w.userCreated(this.u);
  }

  protected compute(): void {
    const w = this.w;
    const rng = this.rng.reset(this.ts, this.index);
    this.review = commentedReview(w, rng.next());
    const author = w.reviewIndex.locate(this.review, this.tmp);
    const base = Math.max(reviewCreated(w, author, this.review), this.userCreated);
    this.created = w.clock.later(base, rng.next(), 3 * 86400000);
    this.text = rng.int(w.pools.comments.values.length);
    this.updated =
      rng.next() < 0.9 ? this.created : w.clock.later(this.created, rng.next(), 3600000);
  }

  encode(out: CopyWriter): void {
    const seed = this.w.seed;
    writeId(out, CODE.comments, this.index, seed);
    out.tab();
    out.raw(this.userIdBytes);
    out.tab();
    writeId(out, CODE.reviews, this.review, seed);
    out.tab();
    out.raw(this.w.pools.comments.bytes[this.text]);
    out.tab();
    out.timestamp(this.created);
    out.tab();
    out.timestamp(this.updated);
  }

  record(): CommentRow {
    const seed = this.w.seed;
    return {
      comment_id: uuidFor("comments", this.index, seed),
      user_id: uuidFor("users", this.u, seed),
      review_id: uuidFor("reviews", this.review, seed),
      content: this.w.pools.comments.values[this.text],
      created_at: this.created,
      updated_at: this.updated,
    };
  }
}

/** The review a comment is on, from the comment row's first random draw. */
export function commentedReview(w: World, u: number): number {
  return w.reviewPerm.forward(w.reviewZipf.sample(u));
}

/** created_at of comment `index` (written by user u): recomputes the comment's draws. */
export function commentCreated(
  w: World,
  u: number,
  index: number,
  rng: Rng,
  tmp: Float64Array,
): number {
  rng.reset(tableSeed(w.seed, "comments"), index);
  const review = commentedReview(w, rng.next());
  const author = w.reviewIndex.locate(review, tmp);
  const base = Math.max(reviewCreated(w, author, review), w.userCreated(u));
  return w.clock.later(base, rng.next(), 3 * 86400000);
}

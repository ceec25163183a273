import { BADGES } from "../catalogue/reference.ts";
import { type CopyWriter, encodePool } from "../copy.ts";
import { uuidFor } from "../ids.ts";
import { frac, hash32, Rng } from "../random.ts";
import { MAX_FOLLOWS, type World } from "../world.ts";
import { CODE, tableSeed, writeId } from "./common.ts";
import { GroupedCursor } from "./grouped.ts";

export const USER_BADGE_COLUMNS = [
  "user_badge_id",
  "user_id",
  "badge_id",
  "awarded_at",
  "progress",
  "is_featured",
] as const;

export interface UserBadgeRow {
  user_badge_id: string;
  user_id: string;
  badge_id: number;
  awarded_at: number;
  /** JSON text: {"current": n, "target": n, "completed": true} */
  progress: string;
  is_featured: boolean;
}

export const FOLLOW_COLUMNS = ["follow_id", "follower_id", "followed_id", "created_at"] as const;

export interface FollowRow {
  follow_id: string;
  follower_id: string;
  followed_id: string;
  created_at: number;
}

const PROGRESS = BADGES.map((b) => {
  const target = typeof b.requirements.count === "number" ? b.requirements.count : 1;
  return JSON.stringify({ current: target, target, completed: true });
});
const PROGRESS_BYTES = encodePool(PROGRESS);

/** The distinct badges (0-based) a user holds, common ones more likely. */
export class UserBadgePicks {
  readonly badges = new Uint8Array(BADGES.length);
  private readonly mark = new Uint32Array(BADGES.length);
  private gen = 0;
  private readonly rng = new Rng();
  private readonly ts: number;

  constructor(private readonly w: World) {
    this.ts = tableSeed(w.seed, "user_badges", 1);
  }

  compute(u: number, n: number): void {
    const rng = this.rng.reset(this.ts, u);
    this.gen++;
    for (let k = 0; k < n; k++) {
      let b = this.w.pickBadge(rng.next());
      for (let a = 0; a < 30 && this.mark[b] === this.gen; a++) b = this.w.pickBadge(rng.next());
      while (this.mark[b] === this.gen) b = (b + 1) % BADGES.length;
      this.mark[b] = this.gen;
      this.badges[k] = b;
    }
  }
}

/** awarded_at of user_badges row `index` (held by user u). */
export function badgeAwarded(w: World, u: number, index: number, userCreated: number): number {
  const h = hash32(w.seed, 0x119, index);
  return w.clock.at(userCreated, frac(h, 0), frac(h, 1), frac(h, 2), w.utcOffset(w.cityOf(u)));
}

export class UserBadgeCursor extends GroupedCursor {
  private readonly picks: UserBadgePicks;
  private created = 0;
  private badge = 0;
  private awarded = 0;
  private featured = false;

  constructor(private readonly w: World) {
    super(w.badgeIndex, w.seed);
    this.picks = new UserBadgePicks(w);
  }

  protected enterUser(): void {
    this.created = this.w.userCreated(this.u);
    this.picks.compute(this.u, this.n);
  }

  protected compute(): void {
    this.badge = this.picks.badges[this.o];
    this.awarded = badgeAwarded(this.w, this.u, this.index, this.created);
    this.featured = this.o < 3 && (hash32(this.w.seed, 0x11a, this.index) & 1) === 1;
  }

  encode(out: CopyWriter): void {
    const seed = this.w.seed;
    writeId(out, CODE.user_badges, this.index, seed);
    out.tab();
    out.raw(this.userIdBytes);
    out.tab();
    out.uint(this.badge + 1);
    out.tab();
    out.timestamp(this.awarded);
    out.tab();
    out.raw(PROGRESS_BYTES[this.badge]);
    out.tab();
    out.bool(this.featured);
  }

  record(): UserBadgeRow {
    const seed = this.w.seed;
    return {
      user_badge_id: uuidFor("user_badges", this.index, seed),
      user_id: uuidFor("users", this.u, seed),
      badge_id: this.badge + 1,
      awarded_at: this.awarded,
      progress: PROGRESS[this.badge],
      is_featured: this.featured,
    };
  }
}

/**
 * follows: out-degree follows the user's activity (heavy users follow many),
 * in-degree is Zipf over a popularity permutation of users (a few users are
 * followed by a large share). Targets are distinct per follower and never the
 * follower, so UNIQUE(follower_id, followed_id) and "no self-follow" hold.
 */
export class FollowCursor extends GroupedCursor {
  private readonly rng = new Rng();
  private readonly ts: number;
  private readonly targets: Float64Array;
  private readonly seen = new Set<number>();
  private created = 0;
  private offset = 0;
  private followed = 0;
  private at = 0;

  constructor(private readonly w: World) {
    super(w.followIndex, w.seed);
    this.ts = tableSeed(w.seed, "follows");
    this.targets = new Float64Array(
      Math.min(MAX_FOLLOWS, Math.max(1, Math.floor((w.users - 1) / 2))) + 1,
    );
  }

  protected enterUser(): void {
    const w = this.w;
    const u = this.u;
    const rng = this.rng.reset(this.ts, u);
    const seen = this.seen;
    seen.clear();
    seen.add(u);
    for (let k = 0; k < this.n; k++) {
      let v = w.pickFollowed(rng.next());
      for (let a = 0; a < 24 && seen.has(v); a++) v = w.pickFollowed(rng.next());
      while (seen.has(v)) v = (v + 1) % w.users;
      seen.add(v);
      this.targets[k] = v;
    }
    this.created = w.userCreated(u);
    this.offset = w.utcOffset(w.cityOf(u));
  }

  protected compute(): void {
    const w = this.w;
    this.followed = this.targets[this.o];
    const after = Math.max(this.created, w.userCreated(this.followed));
    const h = hash32(w.seed, 0x120, this.index);
    this.at = w.clock.at(after, frac(h, 0), frac(h, 1), frac(h, 2), this.offset);
  }

  encode(out: CopyWriter): void {
    const seed = this.w.seed;
    writeId(out, CODE.follows, this.index, seed);
    out.tab();
    out.raw(this.userIdBytes);
    out.tab();
    writeId(out, CODE.users, this.followed, seed);
    out.tab();
    out.timestamp(this.at);
  }

  record(): FollowRow {
    const seed = this.w.seed;
    return {
      follow_id: uuidFor("follows", this.index, seed),
      follower_id: uuidFor("users", this.u, seed),
      followed_id: uuidFor("users", this.followed, seed),
      created_at: this.at,
    };
  }
}

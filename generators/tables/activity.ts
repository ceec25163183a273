import { DISH_TYPES } from "../catalogue/cuisines.ts";
import { BADGES } from "../catalogue/reference.ts";
import type { CopyWriter } from "../copy.ts";
import { uuidFor } from "../ids.ts";
import { Rng } from "../random.ts";
import { POINTS, type World } from "../world.ts";
import { BADGE_NAME_BYTES, CODE, DISH_TYPE_BYTES, writeId } from "./common.ts";
import { GroupedCursor } from "./grouped.ts";
import { ListTypes, rankingCreated } from "./rankings.ts";
import { commentCreated, reviewCreated } from "./reviews.ts";
import { badgeAwarded, UserBadgePicks } from "./social.ts";

export const ACTIVITY_COLUMNS = [
  "activity_id",
  "user_id",
  "activity_type",
  "points",
  "reference_id",
  "awarded_at",
  "description",
] as const;

export type ActivityType = keyof typeof POINTS;

export interface ActivityRow {
  activity_id: string;
  user_id: string;
  activity_type: ActivityType;
  points: number;
  /** id of the dish_rankings, reviews, comments or user_badges row that earned the points */
  reference_id: string;
  awarded_at: number;
  description: string;
}

const KIND_RANKING = 0;
const KIND_REVIEW = 1;
const KIND_COMMENT = 2;
const KIND_BADGE = 3;
const KIND_NAMES: ActivityType[] = ["dish_ranking", "review", "comment", "badge_earned"];
const KIND_CODES = [CODE.dish_rankings, CODE.reviews, CODE.comments, CODE.user_badges];
const KIND_TABLES = ["dish_rankings", "reviews", "comments", "user_badges"] as const;

/**
 * user_activity_points: one row per ranking, review, comment and badge of the
 * user, in that order, referencing the row that earned it and awarded when that
 * row was created. A user's points sum to World.points(u), from which
 * users.career_level_id is derived.
 */
export class ActivityCursor extends GroupedCursor {
  private readonly lt: ListTypes;
  private readonly badges: UserBadgePicks;
  private readonly rng = new Rng();
  private readonly tmp = new Float64Array(1);
  // per user: counts and the first row index in each source table
  private nR = 0;
  private nV = 0;
  private nC = 0;
  private listLen = 1;
  private city = 0;
  private created = 0;
  private startsFor = -1;
  private readonly starts = new Float64Array(4);
  // the row
  private kind = 0;
  private ref = 0;
  private at = 0;
  private type = 0;
  private rank = 0;
  private badge = 0;

  constructor(private readonly w: World) {
    super(w.activityIndex, w.seed);
    this.lt = new ListTypes(w);
    this.badges = new UserBadgePicks(w);
  }

  protected enterUser(): void {
    const w = this.w;
    const u = this.u;
    if (this.startsFor >= 0 && this.startsFor < u && u - this.startsFor <= 64) {
      for (let v = this.startsFor; v < u; v++) {
        this.starts[0] += w.rankingCount(v);
        this.starts[1] += w.reviewCount(v);
        this.starts[2] += w.commentCount(v);
        this.starts[3] += w.badgeCount(v);
      }
    } else {
      this.starts[0] = w.rankingIndex.startOf(u);
      this.starts[1] = w.reviewIndex.startOf(u);
      this.starts[2] = w.commentIndex.startOf(u);
      this.starts[3] = w.badgeIndex.startOf(u);
    }
    this.startsFor = u;
    this.nR = w.rankingCount(u);
    this.nV = w.reviewCount(u);
    this.nC = w.commentCount(u);
    this.listLen = w.listLength(u);
    this.city = w.cityOf(u);
    this.created = w.userCreated(u);
    if (this.nR > 0) this.lt.compute(u, Math.ceil(this.nR / this.listLen));
    this.badges.compute(u, w.badgeCount(u));
  }

  protected compute(): void {
    const w = this.w;
    const u = this.u;
    const o = this.o;
    const oV = o - this.nR;
    const oC = oV - this.nV;
    const oB = oC - this.nC;
    let ord = o;
    if (o < this.nR) {
      this.kind = KIND_RANKING;
      const l = Math.floor(o / this.listLen);
      this.type = this.lt.types[l];
      this.rank = o - l * this.listLen + 1;
      this.at = rankingCreated(w, u, l, this.rank, this.created, this.city);
    } else if (oV < this.nV) {
      this.kind = KIND_REVIEW;
      ord = oV;
      this.at = reviewCreated(w, u, this.starts[1] + oV);
    } else if (oC < this.nC) {
      this.kind = KIND_COMMENT;
      ord = oC;
      this.at = commentCreated(w, u, this.starts[2] + oC, this.rng, this.tmp);
    } else {
      this.kind = KIND_BADGE;
      ord = oB;
      this.badge = this.badges.badges[oB];
      this.at = badgeAwarded(w, u, this.starts[3] + oB, this.created);
    }
    this.ref = this.starts[this.kind] + ord;
  }

  encode(out: CopyWriter): void {
    const seed = this.w.seed;
    writeId(out, CODE.user_activity_points, this.index, seed);
    out.tab();
    out.raw(this.userIdBytes);
    out.tab();
    const name = KIND_NAMES[this.kind];
    out.ascii(name);
    out.tab();
    out.uint(POINTS[name]);
    out.tab();
    writeId(out, KIND_CODES[this.kind], this.ref, seed);
    out.tab();
    out.timestamp(this.at);
    out.tab();
    switch (this.kind) {
      case KIND_RANKING:
        out.ascii("Ranked ");
        out.raw(DISH_TYPE_BYTES[this.type]);
        out.ascii(" #");
        out.uint(this.rank);
        break;
      case KIND_REVIEW:
        out.ascii("Wrote a review");
        break;
      case KIND_COMMENT:
        out.ascii("Commented on a review");
        break;
      default:
        out.ascii("Earned the ");
        out.raw(BADGE_NAME_BYTES[this.badge]);
        out.ascii(" badge");
    }
  }

  private description(): string {
    switch (this.kind) {
      case KIND_RANKING:
        return `Ranked ${DISH_TYPES[this.type]} #${this.rank}`;
      case KIND_REVIEW:
        return "Wrote a review";
      case KIND_COMMENT:
        return "Commented on a review";
      default:
        return `Earned the ${BADGES[this.badge].name} badge`;
    }
  }

  record(): ActivityRow {
    const seed = this.w.seed;
    const name = KIND_NAMES[this.kind];
    return {
      activity_id: uuidFor("user_activity_points", this.index, seed),
      user_id: uuidFor("users", this.u, seed),
      activity_type: name,
      points: POINTS[name],
      reference_id: uuidFor(KIND_TABLES[this.kind], this.ref, seed),
      awarded_at: this.at,
      description: this.description(),
    };
  }
}

import type { CopyWriter } from "../copy.ts";
import { uuidFor } from "../ids.ts";
import { Rng } from "../random.ts";
import type { World } from "../world.ts";
import { CITY_LABEL_BYTES, CITY_LABELS, CODE, hex8, tableSeed, writeId } from "./common.ts";

export const USER_COLUMNS = [
  "user_id",
  "email",
  "username",
  "display_name",
  "password_hash",
  "profile_image_url",
  "bio",
  "location",
  "career_level_id",
  "created_at",
  "updated_at",
] as const;

export interface UserRow {
  user_id: string;
  email: string;
  username: string;
  display_name: string | null;
  password_hash: string;
  profile_image_url: string | null;
  bio: string | null;
  location: string;
  career_level_id: number;
  created_at: number;
  updated_at: number;
}

/** Food words for usernames ("maria_ramen4711"). */
const FOOD_WORDS = [
  "ramen",
  "taco",
  "sushi",
  "foodie",
  "eats",
  "bites",
  "noms",
  "chef",
  "dumpling",
  "spice",
  "brunch",
  "burger",
  "pho",
  "curry",
  "noodle",
  "snacks",
  "gourmet",
  "grub",
  "yum",
  "tastes",
];
const AVATAR = "https://cdn.bellyfed.com/avatars/";
const FOOD_BYTES = FOOD_WORDS.map((s) => Buffer.from(s, "latin1"));
const DOT = Buffer.from(".");
const UNDERSCORE = Buffer.from("_");
const AT = Buffer.from("@");
const THE = Buffer.from("the");

/**
 * users: emails and usernames are a name-based stem (letters, '.', '_' only)
 * followed by the row index in decimal, so they are unique by construction: the
 * trailing digits give the index back.
 */
export class UserCursor {
  private readonly rng = new Rng();
  private readonly seed: number;
  private readonly ts: number;
  private i = 0;
  // the row
  private first = 0;
  private last = 0;
  private emailPattern = 0;
  private userPattern = 0;
  private food = 0;
  private domain = 0;
  private hasDisplay = true;
  private pw = 0;
  private avatar = -1;
  private bio = -1;
  private city = 0;
  private level = 1;
  private created = 0;
  private updated = 0;

  private readonly fBytes: Uint8Array[];
  private readonly lBytes: Uint8Array[];
  private readonly f0Bytes: Uint8Array[];

  constructor(private readonly w: World) {
    this.seed = w.seed;
    this.ts = tableSeed(w.seed, "users");
    this.fBytes = w.pools.firstSlugs.map((s) => Buffer.from(s.slice(0, 12), "latin1"));
    this.lBytes = w.pools.lastSlugs.map((s) => Buffer.from(s.slice(0, 14), "latin1"));
    this.f0Bytes = w.pools.firstSlugs.map((s) => Buffer.from(s.slice(0, 1), "latin1"));
  }

  /** The same text as emailLocal(u)/username(u), written without building strings. */
  private writeEmailLocal(w: CopyWriter, u: number): void {
    const f = this.fBytes[this.first];
    const l = this.lBytes[this.last];
    switch (this.emailPattern) {
      case 0:
        w.raw(f);
        w.raw(DOT);
        w.raw(l);
        break;
      case 1:
        w.raw(f);
        w.raw(l);
        break;
      case 2:
        w.raw(this.f0Bytes[this.first]);
        w.raw(DOT);
        w.raw(l);
        break;
      case 3:
        w.raw(f);
        w.raw(UNDERSCORE);
        w.raw(l);
        break;
      default:
        w.raw(l);
        w.raw(DOT);
        w.raw(f);
    }
    w.digits(u);
  }

  private writeUsername(w: CopyWriter, u: number): void {
    const f = this.fBytes[this.first];
    switch (this.userPattern) {
      case 0:
        w.raw(f);
        w.raw(this.lBytes[this.last]);
        break;
      case 1:
        w.raw(f);
        w.raw(UNDERSCORE);
        w.raw(FOOD_BYTES[this.food]);
        break;
      default:
        w.raw(THE);
        w.raw(FOOD_BYTES[this.food]);
        w.raw(f);
    }
    w.digits(u);
  }

  seek(i: number): void {
    this.i = i;
  }

  next(): void {
    const u = this.i++;
    const r = this.rng.reset(this.ts, u);
    const p = this.w.pools;
    this.first = r.int(p.firstNames.values.length);
    this.last = r.int(p.lastNames.values.length);
    this.emailPattern = r.int(5);
    this.userPattern = r.int(3);
    this.food = r.int(FOOD_WORDS.length);
    this.domain = r.next() < 0.6 ? r.int(3) : r.int(p.emailDomains.values.length);
    this.hasDisplay = r.next() < 0.97;
    this.pw = r.int(p.passwordHashes.values.length);
    this.avatar = r.next() < 0.7 ? r.u32() : -1;
    this.bio = r.next() < 0.55 ? r.int(p.bios.values.length) : -1;
    this.city = this.w.cityOf(u);
    this.level = this.w.careerLevel(u);
    this.created = this.w.userCreated(u, this.city);
    this.updated =
      r.next() < 0.6 ? this.created : this.w.clock.later(this.created, r.next(), 60 * 86400000);
  }

  private emailLocal(u: number): string {
    const f = this.w.pools.firstSlugs[this.first].slice(0, 12);
    const l = this.w.pools.lastSlugs[this.last].slice(0, 14);
    switch (this.emailPattern) {
      case 0:
        return `${f}.${l}${u}`;
      case 1:
        return `${f}${l}${u}`;
      case 2:
        return `${f[0]}.${l}${u}`;
      case 3:
        return `${f}_${l}${u}`;
      default:
        return `${l}.${f}${u}`;
    }
  }

  private username(u: number): string {
    const f = this.w.pools.firstSlugs[this.first].slice(0, 12);
    const l = this.w.pools.lastSlugs[this.last].slice(0, 14);
    switch (this.userPattern) {
      case 0:
        return `${f}${l}${u}`;
      case 1:
        return `${f}_${FOOD_WORDS[this.food]}${u}`;
      default:
        return `the${FOOD_WORDS[this.food]}${f}${u}`;
    }
  }

  encode(w: CopyWriter): void {
    const u = this.i - 1;
    const p = this.w.pools;
    writeId(w, CODE.users, u, this.seed);
    w.tab();
    this.writeEmailLocal(w, u);
    w.raw(AT);
    w.raw(p.emailDomains.bytes[this.domain]);
    w.tab();
    this.writeUsername(w, u);
    w.tab();
    if (this.hasDisplay) {
      w.raw(p.firstNames.bytes[this.first]);
      w.ascii(" ");
      w.raw(p.lastNames.bytes[this.last]);
    } else w.nul();
    w.tab();
    w.raw(p.passwordHashes.bytes[this.pw]);
    w.tab();
    if (this.avatar >= 0) {
      w.ascii(AVATAR);
      w.hex32(this.avatar);
      w.ascii(".jpg");
    } else w.nul();
    w.tab();
    if (this.bio >= 0) w.raw(p.bios.bytes[this.bio]);
    else w.nul();
    w.tab();
    w.raw(CITY_LABEL_BYTES[this.city]);
    w.tab();
    w.uint(this.level);
    w.tab();
    w.timestamp(this.created);
    w.tab();
    w.timestamp(this.updated);
  }

  record(): UserRow {
    const u = this.i - 1;
    const p = this.w.pools;
    return {
      user_id: uuidFor("users", u, this.seed),
      email: `${this.emailLocal(u)}@${p.emailDomains.values[this.domain]}`,
      username: this.username(u),
      display_name: this.hasDisplay
        ? `${p.firstNames.values[this.first]} ${p.lastNames.values[this.last]}`
        : null,
      password_hash: p.passwordHashes.values[this.pw],
      profile_image_url: this.avatar >= 0 ? `${AVATAR}${hex8(this.avatar)}.jpg` : null,
      bio: this.bio >= 0 ? p.bios.values[this.bio] : null,
      location: CITY_LABELS[this.city],
      career_level_id: this.level,
      created_at: this.created,
      updated_at: this.updated,
    };
  }
}

import { BADGES, CAREER_LEVELS } from "../catalogue/reference.ts";
import { arrayLiteral, type CopyWriter } from "../copy.ts";

export const CAREER_LEVEL_COLUMNS = [
  "career_level_id",
  "level_name",
  "description",
  "required_points",
  "required_badges",
  "icon_url",
  "benefits",
] as const;

export interface CareerLevelRow {
  career_level_id: number;
  level_name: string;
  description: string;
  required_points: number;
  required_badges: string[];
  icon_url: string;
  benefits: string[];
}

export const BADGE_COLUMNS = [
  "badge_id",
  "name",
  "description",
  "category",
  "requirements",
  "icon_url",
] as const;

export interface BadgeRow {
  badge_id: number;
  name: string;
  description: string;
  category: string;
  /** JSON text */
  requirements: string;
  icon_url: string;
}

const ICONS = "https://cdn.bellyfed.com/icons/";
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-");

export function careerLevelRow(i: number): CareerLevelRow {
  const l = CAREER_LEVELS[i];
  return {
    career_level_id: i + 1,
    level_name: l.level_name,
    description: l.description,
    required_points: l.required_points,
    required_badges: [...l.required_badges],
    icon_url: `${ICONS}levels/${slug(l.level_name)}.svg`,
    benefits: [...l.benefits],
  };
}

export function badgeRow(i: number): BadgeRow {
  const b = BADGES[i];
  return {
    badge_id: i + 1,
    name: b.name,
    description: b.description,
    category: b.category,
    requirements: JSON.stringify(b.requirements),
    icon_url: `${ICONS}badges/${slug(b.name)}.svg`,
  };
}

/** A cursor over a small in-memory list of rows (the reference tables). */
export class ListCursor<R> {
  private i = 0;
  private cur!: R;

  constructor(
    private readonly make: (i: number) => R,
    private readonly write: (r: R, out: CopyWriter) => void,
  ) {}

  seek(i: number): void {
    this.i = i;
  }

  next(): void {
    this.cur = this.make(this.i++);
  }

  encode(out: CopyWriter): void {
    this.write(this.cur, out);
  }

  record(): R {
    return this.cur;
  }
}

export function encodeCareerLevel(r: CareerLevelRow, out: CopyWriter): void {
  out.uint(r.career_level_id);
  out.tab();
  out.text(r.level_name);
  out.tab();
  out.text(r.description);
  out.tab();
  out.uint(r.required_points);
  out.tab();
  out.text(arrayLiteral(r.required_badges));
  out.tab();
  out.text(r.icon_url);
  out.tab();
  out.text(arrayLiteral(r.benefits));
}

export function encodeBadge(r: BadgeRow, out: CopyWriter): void {
  out.uint(r.badge_id);
  out.tab();
  out.text(r.name);
  out.tab();
  out.text(r.description);
  out.tab();
  out.text(r.category);
  out.tab();
  out.text(r.requirements);
  out.tab();
  out.text(r.icon_url);
}

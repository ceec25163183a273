import { cumulative, pickWeighted } from "./random.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Share of activity per local hour of day: quiet at night, peaks at lunch
 * (12-13h) and dinner (19-20h). Used for every created_at.
 */
export const HOURLY_WEIGHTS = [
  1, 0.6, 0.35, 0.25, 0.2, 0.3, 0.8, 1.8, 2.8, 3, 3.2, 4.5, 7, 6.5, 4, 3.2, 3.4, 4.6, 6.5, 7.5, 6.8,
  5, 3.2, 1.8,
];
const HOURLY = cumulative(HOURLY_WEIGHTS);

/** Places instants in the window with a daily cycle, in the local time of a city. */
export class Clock {
  readonly startMs: number;
  readonly endMs: number;

  constructor(epochMs: number, windowDays: number) {
    this.endMs = epochMs;
    this.startMs = epochMs - windowDays * DAY;
  }

  /**
   * An instant at least `afterMs` (and before the end): the day is spread
   * between them (`growth` > 1 crowds later days, as a growing service does),
   * the hour follows HOURLY_WEIGHTS in local time (`utcOffsetHours`).
   */
  at(
    afterMs: number,
    uDay: number,
    uHour: number,
    uMinute: number,
    utcOffsetHours: number,
    growth = 1,
  ): number {
    const from = Math.max(afterMs, this.startMs);
    const span = this.endMs - from;
    const dayFrac = growth === 1 ? uDay : uDay ** (1 / growth);
    let day = Math.floor((from + dayFrac * span) / DAY) * DAY;
    const hour = pickWeighted(HOURLY, uHour);
    let t = day + (hour - utcOffsetHours) * HOUR + Math.floor(uMinute * HOUR);
    // keep the daily cycle but stay inside [from, end)
    while (t < from) {
      day += DAY;
      t += DAY;
    }
    while (t >= this.endMs) t -= DAY;
    if (t < from) t = from + Math.floor(uMinute * Math.max(1, this.endMs - from - 1));
    return t;
  }

  /** A later instant, `meanMs` on average after `t` (exponential), capped before the end. */
  later(t: number, u: number, meanMs: number): number {
    const d = -Math.log(1 - u) * meanMs;
    return Math.min(this.endMs - 1, Math.floor(t + d));
  }
}

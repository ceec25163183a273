import type { Profile } from "./profile.ts";
import type { OpsRow } from "./projection-types.ts";
import type { CapacitySweep, SweepScenario } from "./types.ts";

/** Traffic of a profile at a user count: operations per day, average and peak per second. */

export const SECONDS_PER_DAY = 86_400;

/** Users sized for: today's users grown for `monthsAhead` months. */
export function plannedUsers(p: Profile, users: number): number {
  return Math.round(users * (1 + p.monthlyGrowth) ** p.monthsAhead);
}

export function scenarioOf(sweep: CapacitySweep, name: string): SweepScenario | undefined {
  return sweep.scenarios.find((s) => s.name === name);
}

/**
 * One row per operation of the profile: active users x operations a day,
 * spread evenly over the day (average) and at the peak factor (peak).
 * `measured` is false for an operation the sweep has no cost for.
 */
export function trafficAt(
  p: Profile,
  sweep: CapacitySweep,
  users: number,
  writes: (name: string) => boolean,
): OpsRow[] {
  const active = users * p.dailyActiveShare;
  return Object.entries(p.operations)
    .filter(([, n]) => n > 0)
    .map(([scenario, n]) => {
      const perDay = active * n;
      const avgPerS = perDay / SECONDS_PER_DAY;
      const s = scenarioOf(sweep, scenario);
      return {
        scenario,
        perActiveUserPerDay: n,
        perDay,
        avgPerS,
        peakPerS: avgPerS * p.peakToAverage,
        measured: s !== undefined,
        writes: s?.writes ?? writes(scenario),
      };
    });
}

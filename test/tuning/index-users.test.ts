import { expect, it } from "vitest";
import { indexUsers } from "../../reports/tune-tables.ts";
import { GROUPS } from "../../scenarios/index.ts";
import { postgresPatterns } from "../../tuning/patterns.ts";
import type { PatternReport } from "../../tuning/session.ts";

const pattern = (name: string, plans: string[][], scans: Array<[string, number]>): PatternReport =>
  ({
    pattern: name,
    statements: plans.map((indexesUsed) => ({ indexesUsed })),
    indexScans: scans.map(([index, n]) => ({ index, table: "t", scans: n })),
    bench: null,
  }) as unknown as PatternReport;

it("lists, for each index, the scenarios whose plans or benchmark window used it, each once, in tuning order", () => {
  const users = indexUsers({
    patterns: [
      pattern("best-dishes", [["idx_restaurants_location", "idx_rankings_dish"]], []),
      pattern(
        "dishes-by-tag",
        [["idx_dishes_tags", "idx_restaurants_location"]],
        [["idx_dishes_tags", 40]],
      ),
      // a plan sampled once may miss an index the run scanned, and a window without a scan adds nothing
      pattern(
        "users-by-level",
        [["idx_users_username"]],
        [
          ["idx_users_career_level", 3],
          ["idx_users_username", 0],
        ],
      ),
    ],
  });
  expect(Object.fromEntries(users)).toEqual({
    idx_restaurants_location: ["best-dishes", "dishes-by-tag"],
    idx_rankings_dish: ["best-dishes"],
    idx_dishes_tags: ["dishes-by-tag"],
    idx_users_username: ["users-by-level"],
    idx_users_career_level: ["users-by-level"],
  });
  expect(users.has("idx_restaurants_geo")).toBe(false);
});

it("tune's PostgreSQL patterns include the five index probes, so an index is 'unused' only when no probe scans it either", async () => {
  const names = (await postgresPatterns()).map((p) => p.name);
  for (const probe of GROUPS["index-probes"].scenarios) expect(names).toContain(probe);
  expect(names).toContain("best-dishes");
});

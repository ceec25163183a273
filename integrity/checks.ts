import { DEFAULT_EPOCH } from "../generators/scale.ts";
import { POINTS } from "../generators/world.ts";
import type { Queryable } from "../stores/markers.ts";

/**
 * The invariants the ranking system promises, each one SQL query that returns
 * the violations (at most EXAMPLES of them) and their count. Run after every
 * write run (`bellyfed-bench check`, and at the end of bench:writes and
 * bench:mixed).
 */
export interface Invariant {
  name: string;
  /** what holds when there is no violation */
  rule: string;
  /** SELECT ... returning one row per violation, as `v` (a JSON example) */
  sql: string;
  /** informational: counted and shown, never a violation (a property of the loaded data) */
  note?: boolean;
}

export interface Finding {
  name: string;
  rule: string;
  violations: number;
  examples: unknown[];
  note?: boolean;
}

export const EXAMPLES = 5;

/** Each (user, dish type) list, with its ranks. */
const LISTS = `SELECT user_id, dish_type, count(*) AS n, min(rank) AS lo, max(rank) AS hi,
       count(DISTINCT rank) AS distinct_ranks, count(*) FILTER (WHERE rank = 1) AS firsts,
       (array_agg(rank ORDER BY rank))[1:12] AS ranks
  FROM dish_rankings GROUP BY user_id, dish_type`;

/** [child table, column, parent table, parent key]: the design's REFERENCES. */
const REFERENCES: ReadonlyArray<[string, string, string, string]> = [
  ["users", "career_level_id", "career_levels", "career_level_id"],
  ["dishes", "restaurant_id", "restaurants", "restaurant_id"],
  ["dish_rankings", "user_id", "users", "user_id"],
  ["dish_rankings", "dish_id", "dishes", "dish_id"],
  ["dish_rankings", "restaurant_id", "restaurants", "restaurant_id"],
  ["user_badges", "user_id", "users", "user_id"],
  ["user_badges", "badge_id", "badges", "badge_id"],
  ["user_activity_points", "user_id", "users", "user_id"],
  ["follows", "follower_id", "users", "user_id"],
  ["follows", "followed_id", "users", "user_id"],
  ["reviews", "user_id", "users", "user_id"],
  ["reviews", "dish_id", "dishes", "dish_id"],
  ["comments", "user_id", "users", "user_id"],
  ["comments", "review_id", "reviews", "review_id"],
];

/** activity_type → the table and key of the row that earned the points. */
const EARNED_BY: ReadonlyArray<[keyof typeof POINTS, string, string]> = [
  ["dish_ranking", "dish_rankings", "ranking_id"],
  ["review", "reviews", "review_id"],
  ["comment", "comments", "comment_id"],
  ["badge_earned", "user_badges", "user_badge_id"],
];

/**
 * The invariants; `epoch` is the loaded data's "now" (generators/scale.ts):
 * rows created after it were written by the harness's write scenarios.
 */
export function invariants(epoch: string = DEFAULT_EPOCH): Invariant[] {
  const after = `TIMESTAMP '${new Date(epoch).toISOString().slice(0, 23).replace("T", " ")}'`;
  return [
    {
      name: "ranks-gapless",
      rule: "each user's ranks per dish type are 1..n, no gap, no rank twice",
      sql: `SELECT json_build_object('user_id', user_id, 'dish_type', dish_type, 'ranks', ranks) AS v
  FROM (${LISTS}) l WHERE lo <> 1 OR hi <> n OR distinct_ranks <> n`,
    },
    {
      name: "one-best",
      rule: "each user has exactly one #1 per dish type",
      sql: `SELECT json_build_object('user_id', user_id, 'dish_type', dish_type, 'firsts', firsts) AS v
  FROM (${LISTS}) l WHERE firsts <> 1`,
    },
    {
      name: "dish-once",
      rule: "a dish written after the load appears at most once in a user's list",
      sql: `SELECT json_build_object('user_id', user_id, 'dish_id', dish_id, 'times', count(*)) AS v
  FROM dish_rankings GROUP BY user_id, dish_id HAVING count(*) > 1 AND max(created_at) > ${after}`,
    },
    {
      name: "dish-twice-loaded",
      rule: "note: loaded lists that rank a dish twice (the generator repeats one when the city offers too few of its type)",
      sql: `SELECT json_build_object('user_id', user_id, 'dish_id', dish_id, 'times', count(*)) AS v
  FROM dish_rankings GROUP BY user_id, dish_id HAVING count(*) > 1 AND max(created_at) <= ${after}`,
      note: true,
    },
    {
      name: "ranking-matches-dish",
      rule: "a ranking's dish_type and restaurant_id are its dish's",
      sql: `SELECT json_build_object('ranking_id', r.ranking_id, 'dish_type', r.dish_type,
                         'dish_dish_type', d.dish_type) AS v
  FROM dish_rankings r JOIN dishes d ON d.dish_id = r.dish_id
 WHERE r.dish_type <> d.dish_type OR r.restaurant_id IS DISTINCT FROM d.restaurant_id`,
    },
    {
      name: "no-dangling",
      rule: "every reference names an existing row (the design's REFERENCES)",
      sql: REFERENCES.map(
        ([
          t,
          c,
          p,
          k,
        ]) => `SELECT json_build_object('table', '${t}', 'column', '${c}', 'value', x.${c}) AS v
  FROM ${t} x WHERE x.${c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${p} y WHERE y.${k} = x.${c})`,
      ).join("\nUNION ALL\n"),
    },
    {
      name: "no-self-follow",
      rule: "nobody follows themselves",
      sql: `SELECT json_build_object('follow_id', follow_id, 'user_id', follower_id) AS v
  FROM follows WHERE follower_id = followed_id`,
    },
    {
      name: "badge-once",
      rule: "a user holds a badge at most once",
      sql: `SELECT json_build_object('user_id', user_id, 'badge_id', badge_id, 'times', count(*)) AS v
  FROM user_badges GROUP BY user_id, badge_id HAVING count(*) > 1`,
    },
    {
      name: "points-earned",
      rule: "every activity's points are its type's (ranking 10, review 25, comment 5, badge 50) and it references that user's row that earned them",
      sql: `SELECT json_build_object('activity_id', a.activity_id, 'activity_type', a.activity_type,
                         'points', a.points, 'reference_id', a.reference_id) AS v
  FROM user_activity_points a
 WHERE a.points <> CASE a.activity_type ${EARNED_BY.map(([t]) => `WHEN '${t}' THEN ${POINTS[t]}`).join(" ")} ELSE -1 END
    OR NOT CASE a.activity_type
       ${EARNED_BY.map(([t, table, key]) => `WHEN '${t}' THEN EXISTS (SELECT 1 FROM ${table} e WHERE e.${key} = a.reference_id AND e.user_id = a.user_id)`).join("\n       ")}
       ELSE false END`,
    },
    {
      name: "actions-awarded",
      rule: "every ranking, review, comment and badge earned its points exactly once",
      sql: EARNED_BY.map(
        ([
          t,
          table,
          key,
        ]) => `SELECT json_build_object('table', '${table}', 'id', e.${key}, 'awards', coalesce(a.n, 0)) AS v
  FROM ${table} e LEFT JOIN (SELECT reference_id, count(*) AS n FROM user_activity_points
                               WHERE activity_type = '${t}' GROUP BY reference_id) a
    ON a.reference_id = e.${key}
 WHERE coalesce(a.n, 0) <> 1`,
      ).join("\nUNION ALL\n"),
    },
  ];
}

/** Runs every invariant; the findings in invariants() order. */
export async function checkIntegrity(q: Queryable, epoch?: string): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const inv of invariants(epoch)) {
    const { rows } = await q.query(
      `WITH v AS (${inv.sql}) SELECT (SELECT count(*) FROM v)::bigint AS n,
              (SELECT coalesce(json_agg(e.v), '[]'::json) FROM (SELECT v FROM v LIMIT ${EXAMPLES}) e) AS examples`,
    );
    out.push({
      name: inv.name,
      rule: inv.rule,
      violations: Number(rows[0].n),
      examples: rows[0].examples,
      ...(inv.note ? { note: true } : {}),
    });
  }
  return out;
}

/** The findings that are violations (notes never are). */
export function violated(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.note && f.violations > 0);
}

/** The report: one line per invariant, examples under the violated ones. */
export function formatFindings(findings: readonly Finding[], target: string): string {
  const width = Math.max(...findings.map((f) => f.name.length));
  const lines = [`integrity of ${target}`];
  for (const f of findings) {
    const mark = f.note ? "·" : f.violations === 0 ? "✓" : "✗";
    lines.push(`  ${mark} ${f.name.padEnd(width)}  ${String(f.violations).padStart(7)}  ${f.rule}`);
    if (!f.note) for (const e of f.examples) lines.push(`      e.g. ${JSON.stringify(e)}`);
  }
  const bad = violated(findings);
  lines.push(
    bad.length === 0
      ? "clean: every invariant holds"
      : `${bad.reduce((a, f) => a + f.violations, 0)} violations of ${bad.length} invariant${bad.length === 1 ? "" : "s"}: ${bad.map((f) => f.name).join(", ")}`,
  );
  return lines.join("\n");
}

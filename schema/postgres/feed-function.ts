/**
 * Access pattern 4, the user activity feed: recent rankings, reviews and
 * comments by the users p_viewer follows, newest first, keyset-paged.
 *
 * Page 1: p_before_ts NULL. Next page: pass the last row's (created_at,
 * item_id); rows strictly older in (created_at DESC, item_id DESC) order come
 * back. With p_before_ts set and p_before_id NULL, rows strictly older than
 * p_before_ts.
 *
 * Each branch is its own ORDER BY ... LIMIT over one table filtered by user_id
 * and created_at, so an index on (user_id, created_at) serves it when one
 * exists; the comment branch looks up its review's dish only for the rows that
 * survive its LIMIT.
 */

export const FEED_FUNCTION_NAME = "bellyfed_activity_feed";
export const FEED_FUNCTION_SIGNATURE =
  "bellyfed_activity_feed(uuid, timestamp without time zone, uuid, integer)";

/** Body as stored in pg_proc.prosrc; apply compares it to skip a no-op replace. */
export const FEED_FUNCTION_BODY = `
SELECT f.kind, f.item_id, f.actor_id, f.dish_id, f.created_at, f.summary
FROM (
    (SELECT 'ranking'::text AS kind, r.ranking_id AS item_id, r.user_id AS actor_id,
            r.dish_id, r.created_at,
            format('ranked #%s %s', r.rank, r.dish_type) AS summary
       FROM follows fo
       JOIN dish_rankings r ON r.user_id = fo.followed_id
      WHERE fo.follower_id = p_viewer
        AND (p_before_ts IS NULL
             OR (r.created_at <= p_before_ts
                 AND (r.created_at < p_before_ts OR r.ranking_id < p_before_id)))
      ORDER BY r.created_at DESC, r.ranking_id DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT 'review'::text, v.review_id, v.user_id, v.dish_id, v.created_at,
            left(coalesce(v.content, ''), 140)
       FROM follows fo
       JOIN reviews v ON v.user_id = fo.followed_id
      WHERE fo.follower_id = p_viewer
        AND (p_before_ts IS NULL
             OR (v.created_at <= p_before_ts
                 AND (v.created_at < p_before_ts OR v.review_id < p_before_id)))
      ORDER BY v.created_at DESC, v.review_id DESC
      LIMIT p_limit)
    UNION ALL
    (SELECT 'comment'::text, c.comment_id, c.user_id,
            (SELECT rv.dish_id FROM reviews rv WHERE rv.review_id = c.review_id),
            c.created_at, left(c.content, 140)
       FROM (SELECT c0.comment_id, c0.user_id, c0.review_id, c0.created_at, c0.content
               FROM follows fo
               JOIN comments c0 ON c0.user_id = fo.followed_id
              WHERE fo.follower_id = p_viewer
                AND (p_before_ts IS NULL
                     OR (c0.created_at <= p_before_ts
                         AND (c0.created_at < p_before_ts OR c0.comment_id < p_before_id)))
              ORDER BY c0.created_at DESC, c0.comment_id DESC
              LIMIT p_limit) c)
) f
ORDER BY f.created_at DESC, f.item_id DESC
LIMIT p_limit
`;

export const FEED_FUNCTION_SQL = `CREATE OR REPLACE FUNCTION bellyfed_activity_feed(
    p_viewer uuid, p_before_ts timestamp, p_before_id uuid, p_limit integer)
RETURNS TABLE(kind text, item_id uuid, actor_id uuid, dish_id uuid, created_at timestamp, summary text)
LANGUAGE sql STABLE
AS $bellyfed_feed$${FEED_FUNCTION_BODY}$bellyfed_feed$`;

export const FEED_FUNCTION_DROP_SQL = `DROP FUNCTION IF EXISTS ${FEED_FUNCTION_SIGNATURE}`;

/**
 * The design's 14 foreign keys (its inline REFERENCES clauses), as separate
 * named statements so a bulk loader can add them after COPY. Names follow
 * PostgreSQL's default for an inline REFERENCES: <table>_<column>_fkey.
 */

export interface ForeignKeyDef {
  name: string;
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
  /** ALTER TABLE <table> ADD CONSTRAINT <name> FOREIGN KEY (<column>) REFERENCES ... */
  sql: string;
}

function fk(table: string, column: string, refTable: string, refColumn: string): ForeignKeyDef {
  const name = `${table}_${column}_fkey`;
  return {
    name,
    table,
    column,
    refTable,
    refColumn,
    sql: `ALTER TABLE ${table} ADD CONSTRAINT ${name} FOREIGN KEY (${column}) REFERENCES ${refTable}(${refColumn})`,
  };
}

export const FOREIGN_KEYS: readonly ForeignKeyDef[] = [
  fk("users", "career_level_id", "career_levels", "career_level_id"),
  fk("dishes", "restaurant_id", "restaurants", "restaurant_id"),
  fk("dish_rankings", "user_id", "users", "user_id"),
  fk("dish_rankings", "dish_id", "dishes", "dish_id"),
  fk("dish_rankings", "restaurant_id", "restaurants", "restaurant_id"),
  fk("user_badges", "user_id", "users", "user_id"),
  fk("user_badges", "badge_id", "badges", "badge_id"),
  fk("user_activity_points", "user_id", "users", "user_id"),
  fk("follows", "follower_id", "users", "user_id"),
  fk("follows", "followed_id", "users", "user_id"),
  fk("reviews", "user_id", "users", "user_id"),
  fk("reviews", "dish_id", "dishes", "dish_id"),
  fk("comments", "user_id", "users", "user_id"),
  fk("comments", "review_id", "reviews", "review_id"),
];

/**
 * The 11 PostgreSQL tables of the Bellyfed design
 * (docs/bellyfed-database-architecture.md), column for column.
 *
 * Two departures, both about order only, never about the result:
 * - tables are listed in an order that applies (career_levels and badges
 *   before users, which references career_levels);
 * - foreign keys are not inline: they are the named ALTER TABLE statements of
 *   foreign-keys.ts, so a bulk loader can COPY first and add them afterwards.
 *   Their names are PostgreSQL's defaults (<table>_<column>_fkey), the names an
 *   inline REFERENCES would have produced.
 * CHECK, UNIQUE and PRIMARY KEY constraints stay inline, exactly as designed.
 */

export interface TableDef {
  name: string;
  /** CREATE TABLE IF NOT EXISTS ... (no foreign keys) */
  sql: string;
}

export const TABLES: readonly TableDef[] = [
  {
    name: "career_levels",
    sql: `CREATE TABLE IF NOT EXISTS career_levels (
    career_level_id SERIAL PRIMARY KEY,
    level_name VARCHAR(100) NOT NULL,
    description TEXT,
    required_points INTEGER,
    required_badges VARCHAR(50)[],
    icon_url VARCHAR(255),
    benefits TEXT[]
)`,
  },
  {
    name: "badges",
    sql: `CREATE TABLE IF NOT EXISTS badges (
    badge_id SERIAL PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    description TEXT,
    category VARCHAR(50),
    requirements JSONB,
    icon_url VARCHAR(255)
)`,
  },
  {
    name: "users",
    sql: `CREATE TABLE IF NOT EXISTS users (
    user_id UUID PRIMARY KEY,
    email VARCHAR(255) UNIQUE NOT NULL,
    username VARCHAR(50) UNIQUE NOT NULL,
    display_name VARCHAR(100),
    password_hash VARCHAR(255) NOT NULL,
    profile_image_url VARCHAR(255),
    bio TEXT,
    location VARCHAR(100),
    career_level_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
  },
  {
    name: "restaurants",
    sql: `CREATE TABLE IF NOT EXISTS restaurants (
    restaurant_id UUID PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    address TEXT,
    city VARCHAR(100),
    state VARCHAR(100),
    country VARCHAR(100),
    postal_code VARCHAR(20),
    latitude DECIMAL(10, 8),
    longitude DECIMAL(11, 8),
    phone VARCHAR(20),
    website VARCHAR(255),
    hours JSONB,
    cuisine_type VARCHAR(100)[],
    price_range INTEGER CHECK (price_range BETWEEN 1 AND 4),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
  },
  {
    name: "dishes",
    sql: `CREATE TABLE IF NOT EXISTS dishes (
    dish_id UUID PRIMARY KEY,
    restaurant_id UUID,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    price DECIMAL(10, 2),
    image_url VARCHAR(255),
    dish_type VARCHAR(100) NOT NULL,
    tags VARCHAR(50)[],
    is_seasonal BOOLEAN DEFAULT FALSE,
    is_available BOOLEAN DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
  },
  {
    name: "dish_rankings",
    sql: `CREATE TABLE IF NOT EXISTS dish_rankings (
    ranking_id UUID PRIMARY KEY,
    user_id UUID,
    dish_id UUID,
    dish_type VARCHAR(100) NOT NULL,
    restaurant_id UUID,
    rank INTEGER NOT NULL CHECK (rank > 0),
    notes TEXT,
    photo_url VARCHAR(255),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(user_id, dish_type, restaurant_id, rank)
)`,
  },
  {
    name: "user_badges",
    sql: `CREATE TABLE IF NOT EXISTS user_badges (
    user_badge_id UUID PRIMARY KEY,
    user_id UUID,
    badge_id INTEGER,
    awarded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    progress JSONB,
    is_featured BOOLEAN DEFAULT FALSE
)`,
  },
  {
    name: "user_activity_points",
    sql: `CREATE TABLE IF NOT EXISTS user_activity_points (
    activity_id UUID PRIMARY KEY,
    user_id UUID,
    activity_type VARCHAR(50) NOT NULL,
    points INTEGER NOT NULL,
    reference_id UUID,
    awarded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    description TEXT
)`,
  },
  {
    name: "follows",
    sql: `CREATE TABLE IF NOT EXISTS follows (
    follow_id UUID PRIMARY KEY,
    follower_id UUID,
    followed_id UUID,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE(follower_id, followed_id)
)`,
  },
  {
    name: "reviews",
    sql: `CREATE TABLE IF NOT EXISTS reviews (
    review_id UUID PRIMARY KEY,
    user_id UUID,
    dish_id UUID,
    content TEXT,
    photos VARCHAR(255)[],
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
  },
  {
    name: "comments",
    sql: `CREATE TABLE IF NOT EXISTS comments (
    comment_id UUID PRIMARY KEY,
    user_id UUID,
    review_id UUID,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
  },
];

/** Table names in an order that satisfies every foreign key (parents first). */
export const TABLES_IN_LOAD_ORDER: readonly string[] = TABLES.map((t) => t.name);

/** Increase when the DDL of this directory changes; recorded in the marker. */
export const SCHEMA_VERSION = 1;

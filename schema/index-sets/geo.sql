-- Index set "geo": the design's 12 indexes ("seed") with the geo fix of issue 14: the btree
-- idx_restaurants_geo on (latitude, longitude) replaced by a GiST index on the location as a
-- point, which the `nearby` probe's radius box (point <@ box) uses. Core PostgreSQL (no
-- extension), so it runs wherever PostgreSQL does, Aurora PostgreSQL included.
-- Measure it: bellyfed-bench tune --ab seed,geo (or load --index-set geo, then run nearby).

-- Users indexes
CREATE INDEX idx_users_username ON users(username);
CREATE INDEX idx_users_career_level ON users(career_level_id);

-- Restaurants indexes
CREATE INDEX idx_restaurants_location ON restaurants(city, state, country);
CREATE INDEX idx_restaurants_cuisine ON restaurants USING GIN (cuisine_type);
-- the fix: a GiST on the location as a point serves the radius box in both dimensions
-- (the btree on (latitude, longitude) it replaces narrows by latitude only)
CREATE INDEX idx_restaurants_geo_gist ON restaurants USING GIST (point(longitude::float8, latitude::float8));

-- Dishes indexes
CREATE INDEX idx_dishes_restaurant ON dishes(restaurant_id);
CREATE INDEX idx_dishes_type ON dishes(dish_type);
CREATE INDEX idx_dishes_tags ON dishes USING GIN (tags);

-- Rankings indexes
CREATE INDEX idx_rankings_user ON dish_rankings(user_id);
CREATE INDEX idx_rankings_dish ON dish_rankings(dish_id);
CREATE INDEX idx_rankings_user_dish_type ON dish_rankings(user_id, dish_type);
CREATE INDEX idx_rankings_restaurant_dish_type ON dish_rankings(restaurant_id, dish_type);

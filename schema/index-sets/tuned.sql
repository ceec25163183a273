-- Index set "tuned": proposed by 'bellyfed-bench tune' from the set "seed" (measured on small seed 1, PostgreSQL 18.4).
-- Each drop and addition below names its evidence; the A/B table of 'tune --ab' measures it.

-- comments
-- added: feed: plan cost 7466 -> 5585 (real)
CREATE INDEX idx_comments_user_id_created_at_comment_id ON comments (user_id, created_at DESC, comment_id DESC);

-- dish_rankings
CREATE INDEX idx_rankings_dish ON dish_rankings(dish_id);
CREATE INDEX idx_rankings_restaurant_dish_type ON dish_rankings(restaurant_id, dish_type);

-- dishes
CREATE INDEX idx_dishes_restaurant ON dishes(restaurant_id);

-- restaurants
CREATE INDEX idx_restaurants_location ON restaurants(city, state, country);
CREATE INDEX idx_restaurants_cuisine ON restaurants USING GIN (cuisine_type);

-- reviews
-- added: feed: plan cost 7466 -> 4610 (real)
CREATE INDEX idx_reviews_user_id_created_at_review_id ON reviews (user_id, created_at DESC, review_id DESC);

-- user_badges
-- added: profile: plan cost 2493 -> 31 (real); experts: plan cost 2970 -> 371 (real)
CREATE INDEX idx_user_badges_user_id ON user_badges (user_id);

-- users
CREATE INDEX idx_users_career_level ON users(career_level_id);

-- dropped from "seed":
--   idx_users_username (redundant-index)
--   idx_restaurants_geo (unused-index)
--   idx_dishes_type (unused-index)
--   idx_dishes_tags (unused-index)
--   idx_rankings_user (redundant-index)
--   idx_rankings_user_dish_type (redundant-index)

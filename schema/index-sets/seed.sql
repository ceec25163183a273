-- Index set "seed": exactly the 12 indexes of the Bellyfed design
-- ("Indexing Strategy" > "PostgreSQL Indexes"), names and definitions unchanged.
-- An index set is one file in this directory: <name>.sql holding CREATE INDEX
-- statements, one per index, each ending with a semicolon.

-- Users indexes
CREATE INDEX idx_users_username ON users(username);
CREATE INDEX idx_users_career_level ON users(career_level_id);

-- Restaurants indexes
CREATE INDEX idx_restaurants_location ON restaurants(city, state, country);
CREATE INDEX idx_restaurants_cuisine ON restaurants USING GIN (cuisine_type);
CREATE INDEX idx_restaurants_geo ON restaurants(latitude, longitude);

-- Dishes indexes
CREATE INDEX idx_dishes_restaurant ON dishes(restaurant_id);
CREATE INDEX idx_dishes_type ON dishes(dish_type);
CREATE INDEX idx_dishes_tags ON dishes USING GIN (tags);

-- Rankings indexes
CREATE INDEX idx_rankings_user ON dish_rankings(user_id);
CREATE INDEX idx_rankings_dish ON dish_rankings(dish_id);
CREATE INDEX idx_rankings_user_dish_type ON dish_rankings(user_id, dish_type);
CREATE INDEX idx_rankings_restaurant_dish_type ON dish_rankings(restaurant_id, dish_type);

/**
 * Reference data: the professional progression (8 career levels) and the 40
 * badges. Both tables use SERIAL keys, so ids are 1-based array positions.
 */
export interface CareerLevelDef {
  level_name: string;
  description: string;
  required_points: number;
  /** badge names (badges.name) required to reach the level */
  required_badges: string[];
  benefits: string[];
}

export const CAREER_LEVELS: readonly CareerLevelDef[] = [
  {
    level_name: "Newcomer",
    description: "Just joined Bellyfed and starting to explore.",
    required_points: 0,
    required_badges: [],
    benefits: ["Create dish rankings", "Follow other foodies"],
  },
  {
    level_name: "Taster",
    description: "Has ranked a handful of dishes and written a first review.",
    required_points: 100,
    required_badges: ["First Bite"],
    benefits: ["Profile bio", "Upload dish photos"],
  },
  {
    level_name: "Foodie",
    description: "A regular voice with rankings across several dish types.",
    required_points: 400,
    required_badges: ["First Bite", "Critic in Training"],
    benefits: ["Featured badge slot", "Comment on any review"],
  },
  {
    level_name: "Connoisseur",
    description: "Knows the local scene; rankings others rely on.",
    required_points: 1200,
    required_badges: ["Critic in Training", "Local Explorer"],
    benefits: ["Three featured badges", "Early access to new features"],
  },
  {
    level_name: "Critic",
    description: "Writes detailed reviews that draw comments and followers.",
    required_points: 3000,
    required_badges: ["Local Explorer", "Wordsmith"],
    benefits: ["Critic label on reviews", "Priority in search results"],
  },
  {
    level_name: "Expert",
    description: "Recognised authority on at least one cuisine.",
    required_points: 7000,
    required_badges: ["Wordsmith", "Cuisine Specialist"],
    benefits: ["Expert discovery listing", "Invitations to tasting events"],
  },
  {
    level_name: "Master Critic",
    description: "Top reviewer in a city, followed by thousands.",
    required_points: 15000,
    required_badges: ["Cuisine Specialist", "Influencer"],
    benefits: ["City leaderboard highlight", "Restaurant partnership offers"],
  },
  {
    level_name: "Legend",
    description: "One of the most influential palates on Bellyfed.",
    required_points: 30000,
    required_badges: ["Influencer", "Globetrotter"],
    benefits: ["Legend profile frame", "Annual Bellyfed awards jury", "Direct line to the team"],
  },
];

export interface BadgeDef {
  name: string;
  description: string;
  category: string;
  /** JSONB: what earns the badge */
  requirements: Record<string, unknown>;
  /** how common it is among users (relative weight for awarding) */
  rarity: number;
}

const b = (
  name: string,
  category: string,
  description: string,
  requirements: Record<string, unknown>,
  rarity: number,
): BadgeDef => ({ name, category, description, requirements, rarity });

export const BADGES: readonly BadgeDef[] = [
  b("First Bite", "milestone", "Ranked your first dish.", { type: "rankings", count: 1 }, 100),
  b(
    "Critic in Training",
    "milestone",
    "Wrote your first review.",
    { type: "reviews", count: 1 },
    70,
  ),
  b("Ten Plates", "milestone", "Ranked 10 dishes.", { type: "rankings", count: 10 }, 55),
  b("Half Century", "milestone", "Ranked 50 dishes.", { type: "rankings", count: 50 }, 18),
  b("Centurion", "milestone", "Ranked 100 dishes.", { type: "rankings", count: 100 }, 7),
  b("Wordsmith", "reviews", "Wrote 25 reviews.", { type: "reviews", count: 25 }, 12),
  b("Novelist", "reviews", "Wrote 100 reviews.", { type: "reviews", count: 100 }, 3),
  b(
    "Shutterbug",
    "reviews",
    "Added photos to 20 reviews.",
    { type: "review_photos", count: 20 },
    14,
  ),
  b(
    "Conversation Starter",
    "social",
    "Your reviews received 50 comments.",
    { type: "comments_received", count: 50 },
    9,
  ),
  b("Chatterbox", "social", "Posted 100 comments.", { type: "comments", count: 100 }, 8),
  b("Rising Star", "social", "Reached 100 followers.", { type: "followers", count: 100 }, 6),
  b("Influencer", "social", "Reached 1,000 followers.", { type: "followers", count: 1000 }, 1.5),
  b("Connector", "social", "Followed 50 people.", { type: "following", count: 50 }, 20),
  b(
    "Local Explorer",
    "exploration",
    "Ranked dishes at 10 restaurants in your city.",
    { type: "restaurants_in_city", count: 10 },
    30,
  ),
  b(
    "Neighbourhood Regular",
    "exploration",
    "Ranked 5 dishes at one restaurant.",
    { type: "rankings_one_restaurant", count: 5 },
    25,
  ),
  b(
    "Globetrotter",
    "exploration",
    "Ranked dishes in 5 different cities.",
    { type: "cities", count: 5 },
    4,
  ),
  b(
    "Jet Setter",
    "exploration",
    "Ranked dishes in 3 countries.",
    { type: "countries", count: 3 },
    3,
  ),
  b(
    "Cuisine Specialist",
    "expertise",
    "Ranked 30 dishes of one cuisine.",
    { type: "rankings_one_cuisine", count: 30 },
    10,
  ),
  b(
    "Noodle Nerd",
    "expertise",
    "Ranked 15 noodle dishes.",
    { type: "dish_types", any: ["Ramen", "Pho", "Laksa", "Udon", "Pad Thai"], count: 15 },
    8,
  ),
  b(
    "Pizza Purist",
    "expertise",
    "Ranked 15 pizzas.",
    { type: "dish_type", dish_type: "Pizza", count: 15 },
    8,
  ),
  b(
    "Burger Boss",
    "expertise",
    "Ranked 15 burgers.",
    { type: "dish_type", dish_type: "Burger", count: 15 },
    9,
  ),
  b(
    "Taco Tuesday",
    "expertise",
    "Ranked 10 tacos, on Tuesdays.",
    { type: "dish_type", dish_type: "Tacos", count: 10, weekday: "tuesday" },
    5,
  ),
  b(
    "Sushi Sensei",
    "expertise",
    "Ranked 15 sushi dishes.",
    { type: "dish_type", dish_type: "Sushi", count: 15 },
    6,
  ),
  b(
    "Curry Connoisseur",
    "expertise",
    "Ranked 10 curries.",
    {
      type: "dish_types",
      any: ["Green Curry", "Massaman Curry", "Katsu Curry", "Vindaloo", "Tikka Masala"],
      count: 10,
    },
    6,
  ),
  b(
    "Dumpling Devotee",
    "expertise",
    "Ranked 10 dumpling dishes.",
    { type: "dish_types", any: ["Dumplings", "Xiaolongbao", "Gyoza", "Dim Sum"], count: 10 },
    6,
  ),
  b(
    "Sweet Tooth",
    "expertise",
    "Ranked 20 desserts.",
    { type: "cuisine", cuisine: "Dessert", count: 20 },
    9,
  ),
  b(
    "Spice Seeker",
    "expertise",
    "Ranked 20 spicy dishes.",
    { type: "tag", tag: "spicy", count: 20 },
    10,
  ),
  b(
    "Plant Powered",
    "expertise",
    "Ranked 20 vegan dishes.",
    { type: "tag", tag: "vegan", count: 20 },
    7,
  ),
  b(
    "Early Bird",
    "habits",
    "Ranked 10 breakfasts before 9am.",
    { type: "time_of_day", before: "09:00", count: 10 },
    12,
  ),
  b(
    "Night Owl",
    "habits",
    "Ranked 10 dishes after 10pm.",
    { type: "time_of_day", after: "22:00", count: 10 },
    12,
  ),
  b(
    "Weekend Warrior",
    "habits",
    "Ranked dishes on 10 weekends.",
    { type: "weekends", count: 10 },
    15,
  ),
  b("Streak Keeper", "habits", "Active 30 days in a row.", { type: "streak_days", count: 30 }, 5),
  b("Anniversary", "habits", "A year on Bellyfed.", { type: "account_age_days", count: 365 }, 35),
  b(
    "Trendsetter",
    "community",
    "Ranked a dish before it started trending.",
    { type: "trend_early", window_days: 7 },
    4,
  ),
  b(
    "Helpful Critic",
    "community",
    "Your reviews were marked helpful 100 times.",
    { type: "helpful_votes", count: 100 },
    5,
  ),
  b(
    "Hidden Gem Hunter",
    "community",
    "Ranked 5 restaurants with fewer than 10 rankings.",
    { type: "rare_restaurants", count: 5, max_rankings: 10 },
    11,
  ),
  b(
    "Top Ten",
    "community",
    "Entered a city leaderboard top 10.",
    { type: "leaderboard", top: 10 },
    2,
  ),
  b(
    "Founding Foodie",
    "special",
    "Joined in Bellyfed's first year.",
    { type: "joined_before", date: "2025-01-01" },
    6,
  ),
  b(
    "Festival Judge",
    "special",
    "Judged a Bellyfed food festival.",
    { type: "event", event: "festival_judge" },
    1,
  ),
  b(
    "Bellyfed Legend",
    "special",
    "Reached the Legend career level.",
    { type: "career_level", level: 8 },
    0.5,
  ),
];

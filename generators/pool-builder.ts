import { base, en, Faker } from "@faker-js/faker";
import { type Pools, type PoolValues, pool, poolValues, setPoolBuilder } from "./pools.ts";

/**
 * Builds the faker pools. Only the main thread imports faker (its locale data
 * costs ~40 MB per thread); worker threads receive the finished string lists.
 */
function slug(s: string): string {
  return s
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

function unique(make: () => string, n: number, tries = n * 20): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < tries && seen.size < n; i++) seen.add(make());
  return [...seen];
}

const PASSWORD_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const FOOD_OPINIONS = [
  "The broth was rich and deeply savoury.",
  "Portion was generous for the price.",
  "Perfectly balanced heat, not just spicy for the sake of it.",
  "A little too salty for my taste.",
  "The texture was spot on.",
  "Came out fast even on a busy Friday night.",
  "Would happily order this again.",
  "Best version I've had in the city so far.",
  "Service was friendly but the wait was long.",
  "Presentation was beautiful, flavour even better.",
  "Slightly overcooked this time, still good.",
  "The sauce is what makes it.",
  "Crispy outside, tender inside.",
  "Not as good as the last visit.",
  "Great value, especially at lunch.",
  "Fresh ingredients, you can taste the difference.",
  "The spice level was lower than advertised.",
  "Worth the queue.",
  "Smaller portion than expected but delicious.",
  "Ask for extra chilli oil on the side.",
  "Pairs well with a cold beer.",
  "Comfort food done right.",
  "A bit pricey, but it delivers.",
  "The seasoning was subtle and well judged.",
  "Honestly life-changing.",
  "Solid, if not spectacular.",
  "The bread alone is worth the trip.",
  "Too sweet for me; my friend loved it.",
  "Authentic and unpretentious.",
  "They've clearly refined the recipe over the years.",
];

const COMMENT_TEMPLATES = [
  "Totally agree!",
  "Adding this to my list.",
  "Did you try the spicy version?",
  "I had a different experience, the portion was tiny.",
  "Great review, thanks!",
  "Their lunch special is even better.",
  "This place never disappoints.",
  "Was it busy when you went?",
  "Going there this weekend because of this.",
  "Couldn't agree more about the sauce.",
  "Hmm, I found it a bit bland.",
  "What time did you go? I heard the queue is crazy.",
  "Best in town, no contest.",
  "Have you tried the one on the other side of town?",
  "Photos look amazing 😍",
  "Ranked it #1 too!",
  "Underrated spot.",
  "Thanks for the tip, going tomorrow.",
  "Overrated imo.",
  "Agreed, the service could be better.",
];

const INGREDIENTS = [
  "with pickled ginger",
  "with house-made chilli oil",
  "topped with a soft egg",
  "with charred scallions",
  "with garlic butter",
  "with crispy shallots",
  "finished with truffle oil",
  "with smoked paprika",
  "with fresh herbs",
  "with toasted sesame",
  "with lime and coriander",
  "served with fries",
  "with a side of kimchi",
  "with aged parmesan",
  "with caramelised onions",
  "with roasted peppers",
  "with miso glaze",
  "with coconut cream",
  "with pickled red onion",
  "with a honey drizzle",
];

const BIO_EXTRAS = [
  "Always hunting for the best noodles in town.",
  "Will travel for dumplings.",
  "Brunch enthusiast and coffee snob.",
  "Eating my way through every taco truck.",
  "Home cook, restaurant critic on weekends.",
  "Spice tolerance: very high.",
  "Plant-based and proud.",
  "Ramen is a personality trait.",
  "Dessert first, always.",
  "Ex-chef, still opinionated.",
];

/** Parts of generated review sentences, ranking notes and comments (no lorem ipsum). */
const COMPONENTS = [
  "broth",
  "crust",
  "sauce",
  "noodles",
  "rice",
  "batter",
  "filling",
  "dough",
  "glaze",
  "dressing",
  "meat",
  "fish",
  "toppings",
  "portion",
  "service",
  "spice level",
  "presentation",
  "bread",
  "seasoning",
  "texture",
  "char",
  "aftertaste",
  "side salad",
  "dipping sauce",
];
const DESCRIPTORS = [
  "perfectly balanced",
  "a little bland",
  "incredibly fresh",
  "too salty",
  "rich and smoky",
  "light and crispy",
  "beautifully charred",
  "surprisingly delicate",
  "slightly overcooked",
  "just right",
  "generous",
  "tangy and bright",
  "buttery",
  "properly fiery",
  "silky",
  "chewy in the best way",
  "forgettable",
  "memorable",
  "a bit greasy",
  "deeply savoury",
  "underseasoned",
  "spot on",
  "better than last time",
  "not what it used to be",
];
const TEMPLATES = [
  "The {c} was {d}.",
  "Loved how {d} the {c} was.",
  "The {c} could be better, {d}.",
  "Honestly the {c} alone is worth the trip.",
  "{C} was {d} and the {c2} was {d2}.",
  "I'd come back just for the {c}.",
  "The {c} was {d}, but the {c2} was {d2}.",
  "Came at {h} and the {c} was still {d}.",
];
const HOURS = ["lunch", "11pm", "opening time", "the dinner rush", "brunch", "closing time"];

/** Food dish adjectives (descriptions) and restaurant-name adjectives. */
export const DISH_ADJECTIVES = [
  "Hand-pulled",
  "Slow-braised",
  "Crispy",
  "Wood-fired",
  "Charcoal-grilled",
  "Creamy",
  "Twice-cooked",
  "Smoky",
  "Zesty",
  "Tender",
  "Golden",
  "Spicy",
  "Fragrant",
  "Rustic",
  "Hearty",
  "Delicate",
  "Sticky",
  "Fluffy",
  "Flaky",
  "Caramelised",
  "Pan-seared",
  "Fresh",
];
const NAME_ADJECTIVES = [
  "Hungry",
  "Golden",
  "Rusty",
  "Little",
  "Happy",
  "Crooked",
  "Salty",
  "Velvet",
  "Wild",
  "Secret",
  "Lucky",
  "Copper",
  "Humble",
  "Blue",
  "Red",
  "Green",
  "Silver",
  "Smoky",
  "Jolly",
  "Sunny",
  "Hidden",
  "Midnight",
  "Spotted",
  "Brass",
  "Olive",
  "Painted",
  "Humming",
  "Tipsy",
];

function foodSentence(f: Faker): string {
  const pickC = () => f.helpers.arrayElement(COMPONENTS);
  const pickD = () => f.helpers.arrayElement(DESCRIPTORS);
  const c = pickC();
  let c2 = pickC();
  while (c2 === c) c2 = pickC();
  return f.helpers
    .arrayElement(TEMPLATES)
    .replace("{C}", c.charAt(0).toUpperCase() + c.slice(1))
    .replace("{c2}", c2)
    .replace("{c}", c)
    .replace("{d2}", pickD())
    .replace("{d}", pickD())
    .replace("{h}", f.helpers.arrayElement(HOURS));
}

/** Builds every pool from `seed`. Takes ~50-150 ms; cache per seed (`poolsFor`). */
export function buildPools(seed: number): Pools {
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  const firstNames = unique(() => f.person.firstName(), 1500).filter((n) => slug(n).length >= 2);
  const lastNames = unique(() => f.person.lastName(), 1500).filter((n) => slug(n).length >= 2);
  const bios = unique(() => f.person.bio(), 1200).concat(BIO_EXTRAS);
  const extras: string[] = [];
  for (let i = 0; i < 400; i++) {
    extras.push(`${f.person.bio()}. ${f.helpers.arrayElement(BIO_EXTRAS)}`);
  }
  const streets = unique(() => f.location.street(), 2000);
  const domains = [
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "proton.me",
    ...unique(() => f.internet.domainName(), 60),
  ];
  const hashes: string[] = [];
  for (let i = 0; i < 2048; i++) {
    let h = "$2b$10$";
    for (let k = 0; k < 53; k++) h += PASSWORD_ALPHABET[f.number.int({ min: 0, max: 63 })];
    hashes.push(h);
  }
  const reviewSentences = FOOD_OPINIONS.concat(unique(() => foodSentence(f), 400));
  const notes = FOOD_OPINIONS.concat(unique(() => foodSentence(f), 300)).map(
    (s) => s.charAt(0).toUpperCase() + s.slice(1),
  );
  // a few values with characters COPY must escape, as real user text has them
  notes.push("Line one\nline two", "Tabs\tinside", 'Back\\slash and "quotes"');
  const comments = COMMENT_TEMPLATES.concat(
    unique(() => {
      const lead = f.helpers.arrayElement([
        "Agreed",
        "Hmm",
        "Interesting",
        "True",
        "Same here",
        "Nah",
      ]);
      const rest = foodSentence(f);
      return `${lead}, ${rest.charAt(0).toLowerCase()}${rest.slice(1)}`;
    }, 400),
  );
  comments.push("Multi-line\r\ncomment", "So good\\n honestly");
  const adjectives = NAME_ADJECTIVES;
  return {
    firstNames: pool(firstNames),
    lastNames: pool(lastNames),
    firstSlugs: firstNames.map(slug),
    lastSlugs: lastNames.map(slug),
    emailDomains: pool(domains),
    bios: pool(bios.concat(extras)),
    streets: pool(streets),
    passwordHashes: pool(hashes),
    reviewSentences: pool(reviewSentences),
    notes: pool(notes),
    comments: pool(comments),
    ingredients: pool(INGREDIENTS),
    adjectives: pool(adjectives),
    dishAdjectives: pool(DISH_ADJECTIVES),
  };
}

const cache = new Map<number, Pools>();

/** The pools for `seed`, built on first use (each thread builds its own copy). */
export function poolsFor(seed: number): Pools {
  let p = cache.get(seed);
  if (!p) {
    p = buildPools(seed);
    cache.set(seed, p);
  }
  return p;
}

/** The pools of `seed` as plain lists (what pool-loader.ts returns from its worker). */
export function poolValuesFor(seed: number): PoolValues {
  return poolValues(poolsFor(seed));
}

setPoolBuilder(poolsFor);

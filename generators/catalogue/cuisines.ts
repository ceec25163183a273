/**
 * Cuisines and the dish types each one serves. A dish type belongs to exactly one
 * cuisine, so "best ramen in Tokyo" finds Japanese restaurants. Weights are rough
 * shares of restaurants; dish-type order within a cuisine is its popularity order
 * (the first types are ranked most often).
 */
export interface Cuisine {
  name: string;
  /** relative share of restaurants */
  weight: number;
  /** most popular first */
  dishTypes: readonly string[];
  /** other cuisine_type values a restaurant of this cuisine may also list */
  alsoTagged: readonly string[];
  /** typical price_range (1..4) */
  price: number;
  /** typical dish price in USD */
  dishPrice: number;
}

const k = (
  name: string,
  weight: number,
  price: number,
  dishPrice: number,
  dishTypes: string[],
  alsoTagged: string[],
): Cuisine => ({ name, weight, price, dishPrice, dishTypes, alsoTagged });

export const CUISINES: readonly Cuisine[] = [
  k(
    "American",
    14,
    2,
    16,
    [
      "Burger",
      "Fried Chicken",
      "Mac and Cheese",
      "BBQ Ribs",
      "Chicken Wings",
      "Hot Dog",
      "Club Sandwich",
      "Cheesesteak",
      "Meatloaf",
      "Apple Pie",
    ],
    ["Burgers", "Comfort Food", "Diner", "Barbecue"],
  ),
  k(
    "Italian",
    11,
    3,
    19,
    [
      "Pizza",
      "Lasagna",
      "Carbonara",
      "Risotto",
      "Gnocchi",
      "Tiramisu",
      "Bruschetta",
      "Osso Buco",
      "Cannoli",
      "Ravioli",
    ],
    ["Pizza", "Mediterranean", "Wine Bar"],
  ),
  k(
    "Chinese",
    10,
    2,
    13,
    [
      "Dumplings",
      "Peking Duck",
      "Kung Pao Chicken",
      "Mapo Tofu",
      "Fried Rice",
      "Char Siu",
      "Xiaolongbao",
      "Hot Pot",
      "Chow Mein",
      "Dim Sum",
    ],
    ["Cantonese", "Sichuan", "Dim Sum"],
  ),
  k(
    "Japanese",
    9,
    3,
    18,
    [
      "Ramen",
      "Sushi",
      "Sashimi",
      "Tempura",
      "Tonkatsu",
      "Udon",
      "Yakitori",
      "Okonomiyaki",
      "Gyoza",
      "Katsu Curry",
    ],
    ["Sushi", "Ramen", "Izakaya"],
  ),
  k(
    "Mexican",
    8,
    1,
    11,
    [
      "Tacos",
      "Burrito",
      "Enchiladas",
      "Quesadilla",
      "Guacamole",
      "Tamales",
      "Mole",
      "Pozole",
      "Churros",
      "Elote",
    ],
    ["Tex-Mex", "Latin American", "Street Food"],
  ),
  k(
    "Indian",
    6,
    2,
    14,
    [
      "Butter Chicken",
      "Biryani",
      "Masala Dosa",
      "Tikka Masala",
      "Samosa",
      "Palak Paneer",
      "Chana Masala",
      "Naan",
      "Tandoori Chicken",
      "Vindaloo",
    ],
    ["North Indian", "South Indian", "Vegetarian"],
  ),
  k(
    "Thai",
    5,
    2,
    13,
    [
      "Pad Thai",
      "Green Curry",
      "Tom Yum",
      "Som Tam",
      "Massaman Curry",
      "Khao Soi",
      "Pad See Ew",
      "Mango Sticky Rice",
    ],
    ["Street Food", "Southeast Asian"],
  ),
  k(
    "Vietnamese",
    3,
    1,
    12,
    ["Pho", "Banh Mi", "Bun Cha", "Spring Rolls", "Bun Bo Hue", "Com Tam", "Banh Xeo"],
    ["Southeast Asian", "Noodles"],
  ),
  k(
    "Korean",
    3,
    2,
    15,
    [
      "Korean Fried Chicken",
      "Bibimbap",
      "Bulgogi",
      "Kimchi Jjigae",
      "Tteokbokki",
      "Japchae",
      "Korean BBQ",
    ],
    ["Barbecue", "Street Food"],
  ),
  k(
    "Malaysian",
    2,
    1,
    9,
    [
      "Nasi Lemak",
      "Laksa",
      "Char Kway Teow",
      "Roti Canai",
      "Satay",
      "Nasi Goreng",
      "Hainanese Chicken Rice",
      "Rendang",
    ],
    ["Southeast Asian", "Halal", "Hawker"],
  ),
  k(
    "French",
    4,
    4,
    28,
    [
      "Croissant",
      "Steak Frites",
      "Coq au Vin",
      "Boeuf Bourguignon",
      "Creme Brulee",
      "French Onion Soup",
      "Macarons",
      "Croque Monsieur",
    ],
    ["Bistro", "Bakery", "Fine Dining"],
  ),
  k(
    "Mediterranean",
    3,
    2,
    15,
    ["Falafel", "Hummus", "Shawarma", "Gyro", "Moussaka", "Baklava", "Kebab"],
    ["Middle Eastern", "Greek", "Halal"],
  ),
  k(
    "Spanish",
    2,
    3,
    17,
    [
      "Paella",
      "Patatas Bravas",
      "Tortilla Espanola",
      "Jamon Iberico",
      "Gambas al Ajillo",
      "Croquetas",
    ],
    ["Tapas", "Wine Bar"],
  ),
  k(
    "Cafe",
    7,
    1,
    8,
    [
      "Avocado Toast",
      "Eggs Benedict",
      "Pancakes",
      "Flat White",
      "Cinnamon Roll",
      "Acai Bowl",
      "Bagel",
    ],
    ["Breakfast", "Brunch", "Coffee", "Bakery"],
  ),
  k(
    "Seafood",
    3,
    3,
    24,
    [
      "Fish and Chips",
      "Lobster Roll",
      "Oysters",
      "Clam Chowder",
      "Grilled Salmon",
      "Ceviche",
      "Crab Cakes",
    ],
    ["Raw Bar", "Fine Dining"],
  ),
  k(
    "Steakhouse",
    2,
    4,
    38,
    ["Ribeye Steak", "Filet Mignon", "Tomahawk Steak", "Wagyu Steak", "Prime Rib"],
    ["Fine Dining", "American"],
  ),
  k(
    "Dessert",
    3,
    1,
    7,
    ["Ice Cream", "Cheesecake", "Donuts", "Chocolate Cake", "Bubble Tea", "Gelato"],
    ["Bakery", "Cafe"],
  ),
  k(
    "Peruvian",
    1,
    2,
    16,
    ["Lomo Saltado", "Pollo a la Brasa", "Aji de Gallina", "Causa"],
    ["Latin American", "Seafood"],
  ),
  k(
    "Brazilian",
    1,
    3,
    22,
    ["Picanha", "Feijoada", "Pao de Queijo", "Coxinha"],
    ["Barbecue", "Latin American"],
  ),
  k(
    "Ethiopian",
    1,
    2,
    14,
    ["Injera Platter", "Doro Wat", "Kitfo", "Tibs"],
    ["African", "Vegetarian"],
  ),
  k(
    "Vegan",
    2,
    2,
    14,
    ["Buddha Bowl", "Vegan Burger", "Jackfruit Tacos", "Cauliflower Wings"],
    ["Vegetarian", "Healthy"],
  ),
];

/** Every dish type, in cuisine order; scenarios sample dish types from this list. */
export const DISH_TYPES: readonly string[] = CUISINES.flatMap((c) => c.dishTypes);

/** The cuisine of each dish type (index into CUISINES). */
export const DISH_TYPE_CUISINE: ReadonlyMap<string, number> = new Map(
  CUISINES.flatMap((c, ci) => c.dishTypes.map((t) => [t, ci] as [string, number])),
);

/** Words put in front of a dish type to make a menu name ("Spicy Ramen"). */
export const DISH_MODIFIERS: readonly string[] = [
  "House",
  "Classic",
  "Signature",
  "Spicy",
  "Smoked",
  "Crispy",
  "Chef's",
  "Double",
  "Garlic",
  "Grandma's",
  "Truffle",
  "Grilled",
  "Homestyle",
  "Deluxe",
  "Original",
  "Special",
  "Street-Style",
  "Midnight",
  "Loaded",
  "Mini",
];

/** Dish tags (VARCHAR(50)[]): diet, heat and menu markers. */
export const DISH_TAGS: readonly string[] = [
  "spicy",
  "vegetarian",
  "vegan",
  "gluten-free",
  "signature",
  "new",
  "shareable",
  "halal",
  "dairy-free",
  "kid-friendly",
  "seasonal",
  "chef-special",
  "late-night",
  "contains-nuts",
];

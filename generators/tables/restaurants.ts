import { CITIES } from "../catalogue/cities.ts";
import { CUISINES } from "../catalogue/cuisines.ts";
import { arrayLiteral, type CopyWriter, encodePool } from "../copy.ts";
import { uuidFor } from "../ids.ts";
import { hash32, Rng } from "../random.ts";
import type { World } from "../world.ts";
import { CODE, tableSeed, writeId } from "./common.ts";

export const RESTAURANT_COLUMNS = [
  "restaurant_id",
  "name",
  "address",
  "city",
  "state",
  "country",
  "postal_code",
  "latitude",
  "longitude",
  "phone",
  "website",
  "hours",
  "cuisine_type",
  "price_range",
  "created_at",
  "updated_at",
] as const;

export interface RestaurantRow {
  restaurant_id: string;
  name: string;
  address: string;
  city: string;
  state: string;
  country: string;
  postal_code: string;
  latitude: number;
  longitude: number;
  phone: string;
  website: string | null;
  /** JSON text: { "mon": [{"open": "11:30", "close": "22:00"}], ..., "sun": [] } */
  hours: string | null;
  cuisine_type: string[];
  price_range: number;
  created_at: number;
  updated_at: number;
}

/** Name words per cuisine (CUISINES order): [signature words, place nouns]. */
const NAME_PARTS: Record<string, [string[], string[]]> = {
  American: [
    ["Liberty", "Smokey", "Blue Plate", "Main Street", "Hometown", "Route 66", "Golden"],
    ["Diner", "Grill", "Burger Joint", "Kitchen", "Smokehouse", "Tavern"],
  ],
  Italian: [
    ["Nonna", "Bella", "Roma", "Vesuvio", "Il Forno", "La Dolce", "Sorrento"],
    ["Trattoria", "Osteria", "Pizzeria", "Cucina", "Ristorante"],
  ],
  Chinese: [
    ["Golden Dragon", "Jade", "Lucky", "Red Lantern", "Dynasty", "Panda", "Sichuan"],
    ["Palace", "House", "Kitchen", "Garden", "Noodle Bar"],
  ],
  Japanese: [
    ["Sakura", "Ichiban", "Kaze", "Tora", "Hana", "Umami", "Kintsugi"],
    ["Izakaya", "Ramen", "Sushi Bar", "Shokudo", "Kitchen"],
  ],
  Mexican: [
    ["El Toro", "La Palma", "Casa", "Frida", "Agave", "Oaxaca", "El Jefe"],
    ["Taqueria", "Cantina", "Cocina", "Tacos"],
  ],
  Indian: [
    ["Taj", "Masala", "Bombay", "Saffron", "Tandoor", "Namaste", "Chili"],
    ["Palace", "House", "Kitchen", "Dhaba"],
  ],
  Thai: [
    ["Bangkok", "Siam", "Lotus", "Thai Orchid", "Chang", "Baan"],
    ["Kitchen", "Street", "Garden", "House"],
  ],
  Vietnamese: [
    ["Saigon", "Pho", "Hanoi", "Lotus", "Little", "Mekong"],
    ["Kitchen", "House", "Corner", "Noodle Bar"],
  ],
  Korean: [
    ["Seoul", "Gangnam", "Kimchi", "Bibim", "Han", "Arirang"],
    ["BBQ", "Kitchen", "House", "Pocha"],
  ],
  Malaysian: [
    ["Nasi", "Penang", "Mamak", "Rasa", "Selera", "Warung"],
    ["Corner", "Kitchen", "Hawker", "Cafe"],
  ],
  French: [
    ["Le Petit", "Chez", "La Belle", "Maison", "Bon Vivant", "L'Etoile"],
    ["Bistro", "Brasserie", "Boulangerie", "Cafe"],
  ],
  Mediterranean: [
    ["Olive", "Aegean", "Zaytoon", "Cedar", "Santorini", "Levant"],
    ["Grill", "Kitchen", "Taverna", "Mezze House"],
  ],
  Spanish: [
    ["Sol", "La Rambla", "Toro", "Bodega", "Sevilla", "Andalucia"],
    ["Tapas Bar", "Cocina", "Taberna"],
  ],
  Cafe: [
    ["Morning", "Daily", "Common", "Sunny Side", "Little", "Corner"],
    ["Cafe", "Coffee House", "Bakehouse", "Roasters"],
  ],
  Seafood: [
    ["Harbor", "Anchor", "Blue Fin", "Saltwater", "Pier", "Captain's"],
    ["Oyster Bar", "Fish House", "Seafood Shack", "Grill"],
  ],
  Steakhouse: [
    ["Prime", "Ember", "Butcher's", "Black Angus", "Cattleman's", "Iron"],
    ["Steakhouse", "Chophouse", "Grill"],
  ],
  Dessert: [
    ["Sugar", "Sweet", "Scoop", "Honey", "Velvet", "Cocoa"],
    ["Parlour", "Bakery", "Creamery", "Dessert Bar"],
  ],
  Peruvian: [
    ["Inca", "Lima", "Machu", "Andes", "Pisco"],
    ["Cocina", "Kitchen", "Cevicheria"],
  ],
  Brazilian: [
    ["Rio", "Gaucho", "Samba", "Copacabana", "Bahia"],
    ["Churrascaria", "Grill", "Kitchen"],
  ],
  Ethiopian: [
    ["Abyssinia", "Addis", "Lalibela", "Queen of Sheba", "Blue Nile"],
    ["Restaurant", "Kitchen", "House"],
  ],
  Vegan: [
    ["Green", "Root", "Sprout", "Leaf", "Harvest", "Bloom"],
    ["Kitchen", "Table", "Eatery", "Bowl Co."],
  ],
};

type Day = [string, string][] | null;
/** Opening-hours templates: lunch+dinner, dinner only, all day, breakfast/brunch, late night. */
const SHIFTS: Record<string, Day> = {
  lunchDinner: [
    ["11:30", "14:30"],
    ["17:30", "22:00"],
  ],
  dinner: [["17:00", "23:00"]],
  allDay: [["11:00", "22:00"]],
  breakfast: [["07:00", "15:00"]],
  lateNight: [["18:00", "02:00"]],
};
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function hoursJson(shift: Day, closedDay: number, weekendLate: boolean): string {
  const out: Record<string, { open: string; close: string }[]> = {};
  DAYS.forEach((d, i) => {
    if (i === closedDay || !shift) out[d] = [];
    else {
      out[d] = shift.map(([open, close]) => ({
        open,
        close: weekendLate && (i === 4 || i === 5) && close === "22:00" ? "23:30" : close,
      }));
    }
  });
  return JSON.stringify(out);
}

/** Every hours variant: 5 shifts x (no closed day, closed Monday, closed Sunday) x weekend late. */
const HOURS: string[] = [];
for (const shift of Object.values(SHIFTS)) {
  for (const closed of [-1, 0, 6]) {
    for (const late of [false, true]) HOURS.push(hoursJson(shift, closed, late));
  }
}
const HOURS_BYTES = encodePool(HOURS);

const SHIFT_BY_CUISINE: Record<string, number[]> = {
  Cafe: [3, 3, 2],
  Dessert: [2, 2, 4],
  Steakhouse: [1],
  French: [0, 1],
  Korean: [1, 4, 2],
};

const CITY_NAME_BYTES = encodePool(CITIES.map((c) => c.name));
const CITY_STATE_BYTES = encodePool(CITIES.map((c) => c.state));
const CITY_COUNTRY_BYTES = encodePool(CITIES.map((c) => c.country));
const DEG_PER_KM = 1 / 111.32;

export class RestaurantCursor {
  private readonly rng = new Rng();
  private readonly ts: number;
  private r = 0;
  // the row
  private name = "";
  private address = "";
  private postal = "";
  private lat = 0;
  private lon = 0;
  private phone = "";
  private website: string | null = null;
  private hours = -1;
  private cuisines: string[] = [];
  private price = 2;
  private created = 0;
  private updated = 0;
  private city = 0;

  constructor(private readonly w: World) {
    this.ts = tableSeed(w.seed, "restaurants");
  }

  seek(i: number): void {
    this.r = i;
  }

  next(): void {
    const r = this.r++;
    const w = this.w;
    const rng = this.rng.reset(this.ts, r);
    const cuisine = CUISINES[w.restaurantCuisine(r)];
    const city = CITIES[w.restaurantCity(r)];
    this.city = w.restaurantCity(r);
    const [words, nouns] = NAME_PARTS[cuisine.name];
    const p = w.pools;
    switch (rng.int(4)) {
      case 0:
        this.name = `${rng.pick(words)} ${rng.pick(nouns)}`;
        break;
      case 1:
        this.name = `${p.lastNames.values[rng.int(p.lastNames.values.length)]}'s ${rng.pick(nouns)}`;
        break;
      case 2:
        this.name = `The ${rng.pick(p.adjectives.values)} ${rng.pick(nouns)}`;
        break;
      default:
        this.name = rng.pick(words);
    }
    this.address = `${rng.range(1, 2999)} ${p.streets.values[rng.int(p.streets.values.length)]}${rng.next() < 0.15 ? `, Suite ${rng.range(1, 40) * 10}` : ""}`;
    this.postal = city.postal.replace(/#/g, () => String(rng.int(10)));
    // uniform in a disc of the city's radius
    const dist = city.radiusKm * Math.sqrt(rng.next());
    const angle = rng.next() * 2 * Math.PI;
    this.lat = round6(city.latitude + dist * Math.sin(angle) * DEG_PER_KM);
    this.lon = round6(
      city.longitude +
        (dist * Math.cos(angle) * DEG_PER_KM) / Math.cos((city.latitude * Math.PI) / 180),
    );
    this.phone = `${city.phone} ${rng.range(200, 999)}-${String(rng.int(10000)).padStart(4, "0")}`;
    this.website =
      rng.next() < 0.65
        ? `https://www.${this.name.toLowerCase().replace(/[^a-z0-9]/g, "")}${rng.next() < 0.3 ? city.name.toLowerCase().replace(/[^a-z]/g, "") : ""}.com`
        : null;
    const shifts = SHIFT_BY_CUISINE[cuisine.name] ?? [0, 0, 2, 1, 4];
    this.hours =
      rng.next() < 0.92 ? rng.pick(shifts) * 6 + rng.int(3) * 2 + (rng.next() < 0.4 ? 1 : 0) : -1;
    this.cuisines = [cuisine.name];
    const extra = rng.next() < 0.45 ? (rng.next() < 0.3 ? 2 : 1) : 0;
    for (let k = 0; k < extra; k++) {
      const t = rng.pick(cuisine.alsoTagged);
      if (!this.cuisines.includes(t)) this.cuisines.push(t);
    }
    this.price = priceRange(w, r);
    this.created = w.restaurantCreated(r);
    this.updated =
      rng.next() < 0.5 ? this.created : w.clock.later(this.created, rng.next(), 90 * 86400000);
  }

  encode(out: CopyWriter): void {
    const r = this.r - 1;
    writeId(out, CODE.restaurants, r, this.w.seed);
    out.tab();
    out.text(this.name);
    out.tab();
    out.text(this.address);
    out.tab();
    out.raw(CITY_NAME_BYTES[this.city]);
    out.tab();
    out.raw(CITY_STATE_BYTES[this.city]);
    out.tab();
    out.raw(CITY_COUNTRY_BYTES[this.city]);
    out.tab();
    out.text(this.postal);
    out.tab();
    out.ascii(this.lat.toFixed(6));
    out.tab();
    out.ascii(this.lon.toFixed(6));
    out.tab();
    out.ascii(this.phone);
    out.tab();
    out.textOrNull(this.website);
    out.tab();
    if (this.hours >= 0) out.raw(HOURS_BYTES[this.hours]);
    else out.nul();
    out.tab();
    out.text(arrayLiteral(this.cuisines));
    out.tab();
    out.uint(this.price);
    out.tab();
    out.timestamp(this.created);
    out.tab();
    out.timestamp(this.updated);
  }

  record(): RestaurantRow {
    const r = this.r - 1;
    const city = CITIES[this.city];
    return {
      restaurant_id: uuidFor("restaurants", r, this.w.seed),
      name: this.name,
      address: this.address,
      city: city.name,
      state: city.state,
      country: city.country,
      postal_code: this.postal,
      latitude: this.lat,
      longitude: this.lon,
      phone: this.phone,
      website: this.website,
      hours: this.hours >= 0 ? HOURS[this.hours] : null,
      cuisine_type: [...this.cuisines],
      price_range: this.price,
      created_at: this.created,
      updated_at: this.updated,
    };
  }
}

/** price_range 1..4 around the cuisine's typical level (a pure function: dishes price from it). */
export function priceRange(w: World, r: number): number {
  const base = CUISINES[w.restaurantCuisine(r)].price;
  const x = hash32(w.seed, 0x9e1ce, r) % 10;
  const p = base + (x < 2 ? -1 : x < 8 ? 0 : 1);
  return p < 1 ? 1 : Math.min(p, 4);
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

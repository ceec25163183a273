import { CITIES } from "../../generators/catalogue/cities.ts";

const POPULATION = new Map(CITIES.map((c) => [c.name, c.population]));
const SMALLEST = Math.min(...POPULATION.values());

/** A city's traffic weight: its population (thousands); a city not in the catalogue weighs as the smallest. */
export function cityWeight(city: string): number {
  return POPULATION.get(city) ?? SMALLEST;
}

/**
 * Weights for keys inside cities (a dish type in a city, a city#cuisine
 * leaderboard): the city's population, shared among its keys in proportion
 * to `size` (how much of the city the key covers). So hot cities come up by
 * population, and inside a city the common types and cuisines most.
 */
export function withinCityWeights(
  cities: readonly string[],
  sizes: ArrayLike<number>,
): Float64Array {
  const perCity = new Map<string, number>();
  for (let i = 0; i < cities.length; i++)
    perCity.set(cities[i], (perCity.get(cities[i]) ?? 0) + sizes[i]);
  const out = new Float64Array(cities.length);
  for (let i = 0; i < cities.length; i++)
    out[i] = (cityWeight(cities[i]) * sizes[i]) / perCity.get(cities[i])!;
  return out;
}

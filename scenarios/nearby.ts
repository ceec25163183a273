/**
 * Index probe: restaurants near a point, nearest first.
 *
 * "Restaurants near me": the restaurants within a radius (1 to 10 km) of a
 * point, by great-circle distance (haversine), nearest 20. The point is a
 * city's centre (someone opening the map in a city) or a restaurant's
 * location ("more places near this one").
 *
 * The statement bounds the search with the radius's latitude/longitude box,
 * written twice: as column ranges, which the design's btree on restaurants
 * (latitude, longitude) (idx_restaurants_geo) can serve, though only through
 * the latitude range; and as `point <@ box`, which the geo fix's GiST index on
 * point(longitude, latitude) (index set `geo`) serves in both dimensions. The
 * two are the same condition, so one statement measures the design, the fix
 * and no index at all.
 *
 * Sampled: half the searches around a city centre (cities by population),
 * half around a restaurant (by how many rankings it has, plus one); the
 * radius 1, 2, 5 or 10 km (weights 2:3:3:2).
 */

import type { Scenario } from "../engine/scenario.ts";
import { CITIES } from "../generators/catalogue/cities.ts";
import type { PgStore, Statement } from "../stores/postgres.ts";
import { WeightedPool } from "./lib/alias.ts";
import { cityWeight } from "./lib/cities.ts";
import { readRows } from "./lib/pools.ts";

export const NEARBY_LIMIT = 20;

/** mean Earth radius (IUGG), km */
export const EARTH_RADIUS_KM = 6371.0088;

export const NEARBY: Statement = {
  name: "bellyfed_nearby",
  text: `SELECT restaurant_id, name, city, latitude, longitude, distance_km FROM (
  SELECT r.restaurant_id, r.name, r.city, r.latitude, r.longitude,
         2 * ${EARTH_RADIUS_KM} * asin(sqrt(
               power(sin(radians(r.latitude::float8 - $1::float8) / 2), 2)
             + cos(radians($1::float8)) * cos(radians(r.latitude::float8))
               * power(sin(radians(r.longitude::float8 - $2::float8) / 2), 2))) AS distance_km
    FROM restaurants r
   WHERE r.latitude BETWEEN $4::numeric AND $5::numeric
     AND r.longitude BETWEEN $6::numeric AND $7::numeric
     AND point(r.longitude::float8, r.latitude::float8)
         <@ box(point($6::float8, $4::float8), point($7::float8, $5::float8))) n
 WHERE distance_km <= $3::float8
 ORDER BY distance_km, restaurant_id
 LIMIT ${NEARBY_LIMIT}`,
};

/** radii searched, km, and how often */
export const RADII_KM = [1, 2, 5, 10] as const;
const RADIUS_WEIGHTS = [2, 3, 3, 2];

/** share of the searches around a city centre (the rest: around a restaurant) */
export const CENTRE_SHARE = 0.5;

/** Restaurants with a location and 1 + their rankings as the weight. */
const RESTAURANTS_SQL = `SELECT r.latitude::float8 AS latitude, r.longitude::float8 AS longitude, r.city,
       (1 + coalesce(k.n, 0))::float8 AS weight
  FROM restaurants r
  LEFT JOIN (SELECT restaurant_id, count(*) AS n FROM dish_rankings GROUP BY restaurant_id) k
         ON k.restaurant_id = r.restaurant_id
 WHERE r.latitude IS NOT NULL AND r.longitude IS NOT NULL
 ORDER BY weight DESC, r.restaurant_id
 LIMIT $1`;

export interface NearbyRow {
  restaurant_id: string;
  name: string;
  distance_km: number;
}

/** [lat, lon, radius km, lat min, lat max, lon min, lon max], built once per (point, radius). */
export type NearbyParams = [
  lat: number,
  lon: number,
  radiusKm: number,
  latMin: number,
  latMax: number,
  lonMin: number,
  lonMax: number,
];

/** The statement's parameters for a search of `radiusKm` around (lat, lon): the point, the radius and its box. */
export function nearbyParams(lat: number, lon: number, radiusKm: number): NearbyParams {
  const dLat = (radiusKm / EARTH_RADIUS_KM) * (180 / Math.PI);
  // the box's longitude half-width at the latitude farthest from the equator it reaches
  const far = Math.min(89.9, Math.abs(lat) + dLat);
  const dLon = dLat / Math.cos((far * Math.PI) / 180);
  return [lat, lon, radiusKm, lat - dLat, lat + dLat, lon - dLon, lon + dLon];
}

export interface NearbyState {
  pg: PgStore;
  searches: WeightedPool<NearbyParams>;
}

const scenario: Scenario<NearbyState, NearbyParams> = {
  name: "nearby",
  description:
    "restaurants within 1-10 km of a point, nearest first (PostgreSQL: restaurant location)",
  stores: ["postgres"],

  async setup(ctx) {
    const pg = ctx.pg!;
    const rows = await readRows<{
      latitude: number;
      longitude: number;
      city: string | null;
      weight: number;
    }>(pg, "nearby", "restaurants with a location", RESTAURANTS_SQL);
    const cities = new Set(rows.map((r) => r.city));
    const centres = CITIES.filter((c) => cities.has(c.name));
    const values: NearbyParams[] = [];
    const weights: number[] = [];
    const radiusTotal = RADIUS_WEIGHTS.reduce((a, b) => a + b, 0);
    const add = (lat: number, lon: number, share: number) => {
      for (let i = 0; i < RADII_KM.length; i++) {
        values.push(nearbyParams(lat, lon, RADII_KM[i]));
        weights.push((share * RADIUS_WEIGHTS[i]) / radiusTotal);
      }
    };
    const popTotal = centres.reduce((a, c) => a + cityWeight(c.name), 0);
    for (const c of centres)
      add(c.latitude, c.longitude, (CENTRE_SHARE * cityWeight(c.name)) / popTotal);
    const restTotal = rows.reduce((a, r) => a + Number(r.weight), 0);
    const restShare = centres.length > 0 ? 1 - CENTRE_SHARE : 1;
    for (const r of rows)
      add(Number(r.latitude), Number(r.longitude), (restShare * Number(r.weight)) / restTotal);
    return { pg, searches: new WeightedPool(values, weights) };
  },

  sample: (state, rng) => state.searches.draw(rng),

  async operation(state, params) {
    await state.pg.query<NearbyRow>(NEARBY, params);
  },

  explain: (_state, params) => [{ statement: NEARBY, params: [...params] }],
};

export default scenario;

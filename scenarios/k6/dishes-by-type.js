/**
 * Index probe, a page of the dishes of a type (keyset cursor):
 *   GET /api/dishes?dishType=TYPE&after=CURSOR&limit=20
 *
 * For the future Bellyfed HTTP API: the same query, open model (constant
 * arrival rate) and thresholds as `bellyfed-bench run dishes-by-type`
 * (scenarios/targets.json). Parameters are drawn with the harness's weights
 * from params/dishes-by-type.json (write it with `npx tsx scenarios/k6/export-params.ts`).
 *
 *   k6 run -e BASE_URL=http://localhost:3000 scenarios/k6/dishes-by-type.js
 *   (also -e RATE=... -e DURATION=... -e PARAMS=file.json)
 */
import { check } from "k6";
import http from "k6/http";
import { durationSeconds, k6Thresholds, openModel, weightedKeys } from "./lib.js";

const NAME = "dishes-by-type";
const RATE = Number(__ENV.RATE || 200);
const DURATION = __ENV.DURATION || "30s";
const BASE_URL = __ENV.BASE_URL || "http://localhost:3000";
const targets = JSON.parse(open("../targets.json"));
const params = weightedKeys(JSON.parse(open(__ENV.PARAMS || `./params/${NAME}.json`)));

export const options = {
  scenarios: openModel(NAME, RATE, DURATION),
  thresholds: k6Thresholds(targets, NAME, {
    rate: RATE,
    durationSeconds: durationSeconds(DURATION),
  }),
};

const ok = (res) => check(res, { "status is 200": (r) => r.status === 200 });
const q = encodeURIComponent;

export default function () {
  const [dishType, afterName, afterDishId] = params.draw(Math.random());
  const after = afterName === "" ? "" : `&after=${q(`${afterName}|${afterDishId}`)}`;
  ok(
    http.get(`${BASE_URL}/api/dishes?dishType=${q(dishType)}${after}&limit=20`, {
      tags: { name: NAME },
    }),
  );
}

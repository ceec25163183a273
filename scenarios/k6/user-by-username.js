/**
 * Index probe, a profile looked up by username:
 *   GET /api/users/by-username/USERNAME
 *
 * For the future Bellyfed HTTP API: the same query, open model (constant
 * arrival rate) and thresholds as `bellyfed-bench run user-by-username`
 * (scenarios/targets.json). Parameters are drawn with the harness's weights
 * from params/user-by-username.json (write it with `npx tsx scenarios/k6/export-params.ts`).
 *
 *   k6 run -e BASE_URL=http://localhost:3000 scenarios/k6/user-by-username.js
 *   (also -e RATE=... -e DURATION=... -e PARAMS=file.json)
 */
import { check } from "k6";
import http from "k6/http";
import { durationSeconds, k6Thresholds, openModel, weightedKeys } from "./lib.js";

const NAME = "user-by-username";
const RATE = Number(__ENV.RATE || 500);
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
  const username = params.draw(Math.random());
  ok(http.get(`${BASE_URL}/api/users/by-username/${q(username)}`, { tags: { name: NAME } }));
}

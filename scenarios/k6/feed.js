/**
 * Access pattern 4, a user activity feed, keyset-paged:
 *   GET /api/users/USER_ID/feed?limit=20
 *   GET /api/users/USER_ID/feed?limit=20&before=CREATED_AT&beforeId=ITEM_ID (a quarter of the time)
 *
 * For the future Bellyfed HTTP API: the same access pattern, open model
 * (constant arrival rate) and thresholds as `bellyfed-bench run feed`
 * (scenarios/targets.json). Parameters are drawn with the harness's weights
 * from params/feed.json (write it with `npx tsx scenarios/k6/export-params.ts`).
 *
 *   k6 run -e BASE_URL=http://localhost:3000 scenarios/k6/feed.js
 *   (also -e RATE=... -e DURATION=... -e PARAMS=file.json)
 */
import { check } from "k6";
import http from "k6/http";
import { durationSeconds, k6Thresholds, openModel, weightedKeys } from "./lib.js";

const NAME = "feed";
const RATE = Number(__ENV.RATE || 10);
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

/** share of feed opens that go on to the second page (as in scenarios/feed.ts) */
const NEXT_PAGE_SHARE = 0.25;
const PAGE_SIZE = 20;

export default function () {
  const viewer = params.draw(Math.random());
  const url = `${BASE_URL}/api/users/${q(viewer)}/feed?limit=${PAGE_SIZE}`;
  const first = http.get(url, { tags: { name: NAME } });
  ok(first);
  if (Math.random() >= NEXT_PAGE_SHARE || first.status !== 200) return;
  const items = /** @type {Array<{ created_at: string, item_id: string }>} */ (
    first.json("items") || []
  );
  if (items.length < PAGE_SIZE) return;
  const last = items[PAGE_SIZE - 1];
  ok(
    http.get(`${url}&before=${q(last.created_at)}&beforeId=${q(last.item_id)}`, {
      tags: { name: NAME },
    }),
  );
}

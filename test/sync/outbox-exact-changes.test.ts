import { expect, it } from "vitest";
import { follow, outboxServerPerFile } from "../helpers/outbox-server.ts";

/**
 * The outbox hands over each committed transaction exactly as committed: its
 * row changes in the order they were written, every column as PostgreSQL's
 * text (the same text `SELECT col::text` gives), an update as its old row
 * (a delete) then its new row, a delete with the whole old row; a
 * rolled-back transaction and a rolled-back savepoint leave nothing.
 */
const server = outboxServerPerFile();

it("hands over committed changes exactly as committed, rolled-back work not at all", async () => {
  const s = server.current;
  const c = s.client;
  const rid = "7b1c9c4e-3f7e-4a55-9a39-0e1f5b2a8c01";
  const did = "0d4f0b6a-1c2b-4d5e-8f90-aabbccddeeff";
  // 1: a restaurant and a dish, with arrays, decimals, JSON, booleans, NULLs and timestamps
  await c.query("BEGIN");
  await c.query(
    `INSERT INTO restaurants (restaurant_id, name, city, latitude, hours, cuisine_type, price_range, created_at, updated_at)
     VALUES ($1, 'O''Brien''s "Grill"', 'Kuala Lumpur', 3.14159265, '{"mon": "9-5"}', ARRAY['thai', 'ma lay'], 2,
             '2026-01-02 03:04:05.678', '2026-01-02 03:04:05.678')`,
    [rid],
  );
  await c.query(
    `INSERT INTO dishes (dish_id, restaurant_id, name, price, dish_type, tags, created_at, updated_at)
     VALUES ($1, $2, 'Laksa', 12.50, 'noodles', '{spicy,"with space"}', '2026-01-02 03:04:05', '2026-01-02 03:04:05')`,
    [did, rid],
  );
  await c.query("COMMIT");
  // 2: rolled back entirely
  await c.query("BEGIN");
  await c.query("UPDATE dishes SET name = 'never' WHERE dish_id = $1", [did]);
  await c.query("ROLLBACK");
  // 3: an update, a savepoint rolled back, then a delete
  await c.query("BEGIN");
  await c.query("UPDATE dishes SET price = 13.00, is_available = false WHERE dish_id = $1", [did]);
  await c.query("SAVEPOINT sp");
  await c.query("UPDATE restaurants SET name = 'gone' WHERE restaurant_id = $1", [rid]);
  await c.query("ROLLBACK TO SAVEPOINT sp");
  const before = (
    await c.query(
      `SELECT to_jsonb(d) AS j FROM (
         SELECT dish_id::text, restaurant_id::text, name::text, description::text, price::text,
                image_url::text, dish_type::text, tags::text, is_seasonal::text, is_available::text,
                created_at::text, updated_at::text
           FROM dishes WHERE dish_id = $1) d`,
      [did],
    )
  ).rows[0].j;
  await c.query("DELETE FROM dishes WHERE dish_id = $1", [did]);
  await c.query("COMMIT");
  // 4: a write to a table the read models do not read is not captured
  await c.query("INSERT INTO badges (name, description) VALUES ('b', 'd')");

  const got = follow(s.target);
  await got.waitFor(2);
  await new Promise((r) => setTimeout(r, 200));
  await got.stop();
  expect(got.txs).toHaveLength(2);
  const [t1, t3] = got.txs;
  expect(t1.changes.map((ch) => [ch.table, ch.op])).toEqual([
    ["restaurants", "insert"],
    ["dishes", "insert"],
  ]);
  expect(t1.changes[0].row).toEqual({
    restaurant_id: rid,
    name: `O'Brien's "Grill"`,
    address: null,
    city: "Kuala Lumpur",
    state: null,
    country: null,
    postal_code: null,
    latitude: "3.14159265",
    longitude: null,
    phone: null,
    website: null,
    hours: '{"mon": "9-5"}',
    cuisine_type: '{thai,"ma lay"}',
    price_range: "2",
    created_at: "2026-01-02 03:04:05.678",
    updated_at: "2026-01-02 03:04:05.678",
  });
  expect(t1.changes[1].row.tags).toBe('{spicy,"with space"}');
  expect(t1.changes[1].row.price).toBe("12.50");
  expect(t1.changes[1].row.is_available).toBe("true");
  // an update: its old row as a delete, then its new row (as the pgoutput source hands it over)
  expect(t3.changes.map((ch) => [ch.table, ch.op])).toEqual([
    ["dishes", "delete"],
    ["dishes", "update"],
    ["dishes", "delete"],
  ]);
  expect(t3.changes[0].row).toEqual({ ...t1.changes[1].row });
  expect(t3.changes[1].row.price).toBe("13.00");
  expect(t3.changes[1].row.is_available).toBe("false");
  // the delete carries the whole old row, as the table showed it just before
  expect(t3.changes[2].row).toEqual(before);
  expect(t1.position < t3.position).toBe(true);
  expect(t3.commitTime.getTime()).toBeGreaterThanOrEqual(t1.commitTime.getTime());
}, 60_000);

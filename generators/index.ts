/**
 * Deterministic, streaming data generators for the Bellyfed schema (all 11 tables).
 *
 * ```ts
 * import { createDataset, GeneratorPool, userId } from "./index.ts";
 *
 * const ds = createDataset({ scale: "small", seed: 42 });   // UsageError on bad input
 * ds.config;                          // ScaleConfig: users, restaurants, means per parent, window
 * ds.count("follows");                // exact row count (child tables: derived per user)
 * const t = ds.table("users");        // TableGenerator: name, columns (design order), count()
 * t.row(7);                           // one row as an object (timestamps: epoch ms; JSON: text)
 * for (const r of t.rows(0, 100)) {}  // objects, sequential
 * t.copy(from, to, (buf) => ...);     // COPY text, ~64 KB Buffers, rows [from, to)
 * for (const buf of t.chunks(from, to)) {}   // the same as an iterator
 *
 * // worker threads: split a table into ranges, chunks come back in row order
 * const pool = new GeneratorPool(ds.config, { workers: 2 });
 * for await (const buf of pool.stream("dish_rankings")) copyStream.write(buf);
 * await pool.close();
 *
 * userId(i, seed); uuidFor("reviews", i, seed);   // ids from indexes, no lookup
 * ```
 *
 * COPY format: `COPY <table> (<columns>) FROM STDIN` (text format, the default):
 * tab-separated, `\N` for NULL, backslash escapes; arrays as `{...}` literals,
 * JSONB as JSON text, TIMESTAMP as 'YYYY-MM-DD HH:MM:SS.mmm' (UTC).
 * career_levels and badges carry explicit SERIAL ids (1..8, 1..40): after loading
 * them, set their sequences (`SELECT setval('badges_badge_id_seq', 40)`).
 *
 * Guarantees (by construction, checked by test/generators): unique emails and
 * usernames; UNIQUE(user_id, dish_type, restaurant_id, rank), ranks from 1;
 * no self-follows or duplicate follows; every foreign key points at a row of
 * the same data set; dish_rankings.dish_type/restaurant_id equal the dish's.
 * Same scale + seed -> byte-identical output, whatever the range split.
 *
 * Memory: faker (~40 MB per thread) loads only where pools are built. A thread
 * that must stay light imports generators/core.ts (everything here except
 * createDataset/poolsFor) and gets the pools as plain lists:
 * `const pools = await loadPoolValues(seed)` (built in a throwaway thread), then
 * `new Dataset(config, pools)` (also in workers: send `pools` via workerData).
 * A World's big tables (per restaurant, per block of users, the group indexes:
 * ~35 MB at `large`) live in SharedArrayBuffers: `ds.world.share()` in one
 * thread and `new Dataset(config, pools, state)` in a worker use one copy; the
 * loader's lanes get theirs that way (generators/load/lanes.ts sharedDataset).
 */
export * from "./core.ts";
export { createDataset } from "./create.ts";
export { poolsFor } from "./pool-builder.ts";

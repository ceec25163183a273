import type { StoreKind } from "../core/result.ts";
import type { DynamoStore } from "./dynamo.ts";
import type { PgStore } from "./postgres.ts";
import type { Endpoints } from "./types.ts";

/**
 * The store seam: the engine never builds a store itself; it asks a factory
 * for the stores a scenario lists, so anything can sit between the engine and
 * a store (a wrapper that measures every call, as YCSB's DBWrapper does, or a
 * fault injector). A factory is a module (default export, or `createStores`)
 * that worker threads import by URL, as they import scenarios; its stores send
 * through the same hook (core/op-clock.ts) and keep the figures the engine
 * collects after a run: `pg.figures()`, `dynamo.capacity()`.
 *
 *   // my-stores.ts: count every PostgreSQL call
 *   import { createStores } from "bellyfed-bench/stores/factory.ts";
 *   export default async (req) => {
 *     const stores = await createStores(req);
 *     if (stores.pg) stores.pg = wrapPg(stores.pg);
 *     return stores;
 *   };
 */
export interface Stores {
  pg?: PgStore;
  dynamo?: DynamoStore;
}

export interface StoreRequest {
  /** the stores the scenario lists */
  kinds: readonly StoreKind[];
  endpoints: Endpoints;
  /** connections (PostgreSQL) or sockets (DynamoDB) this generator may open to each store */
  connections: number;
  /** 0-based load-generator thread */
  workerIndex: number;
}

export type StoreFactory = (request: StoreRequest) => Promise<Stores> | Stores;

/** The default factory: the harness's PgStore and DynamoStore (modules loaded only when needed). */
export async function createStores(request: StoreRequest): Promise<Stores> {
  const out: Stores = {};
  if (request.kinds.includes("postgres"))
    out.pg = (await import("./postgres.ts")).createPgStore(
      request.endpoints.pg,
      request.connections,
    );
  if (request.kinds.includes("dynamodb"))
    out.dynamo = (await import("./dynamo.ts")).createDynamoStore(
      request.endpoints.dynamo,
      request.connections,
    );
  return out;
}

/** The factory a module URL names (default export or `createStores`); undefined: the default one. */
export async function loadStoreFactory(url?: string): Promise<StoreFactory> {
  if (url === undefined) return createStores;
  const mod = (await import(url)) as { default?: unknown; createStores?: unknown };
  const f = mod.default ?? mod.createStores;
  if (typeof f !== "function")
    throw new Error(`${url} does not export a store factory (default export or createStores)`);
  return f as StoreFactory;
}

const sleep = (ms: number) =>
  new Promise<void>((r) => {
    setTimeout(r, ms).unref();
  });

/** Closes the stores; a timed-out query may still hold a connection, so PostgreSQL gets 2 s. */
export async function closeStores(stores: Stores): Promise<void> {
  stores.dynamo?.close();
  if (stores.pg) await Promise.race([stores.pg.close().catch(() => {}), sleep(2000)]);
}

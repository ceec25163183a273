/**
 * The schema's programmatic API in one import, for the loader, the tuner and
 * tests: `import { applyPgSchema, applyDynamoTables, ... } from "./index.ts"`.
 */
export * from "../stores/markers.ts";
export * from "./dynamodb/apply.ts";
export * from "./dynamodb/tables.ts";
export * from "./index-sets/index-sets.ts";
export * from "./postgres/apply.ts";
export * from "./postgres/feed-function.ts";
export * from "./postgres/foreign-keys.ts";
export * from "./postgres/outbox.ts";
export * from "./postgres/tables.ts";

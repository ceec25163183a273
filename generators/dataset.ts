/**
 * The public entry to one data set: `createDataset({ scale, seed })` validates the
 * request and builds the faker pools once (main thread); `Dataset` is defined in
 * dataset-core.ts, which worker threads import without faker.
 */
export { createDataset } from "./create.ts";
export { Dataset, type RowTypes } from "./dataset-core.ts";

import { Worker } from "node:worker_threads";
import type { PoolValues } from "./pools.ts";

const BUILDER_URL = new URL("./pool-builder.ts", import.meta.url);
const TSX_API = import.meta.resolve("tsx/esm/api");
const BOOT = `
const { parentPort, workerData } = require("node:worker_threads");
import(${JSON.stringify(TSX_API)})
  .then((m) => { m.register(); return import(${JSON.stringify(BUILDER_URL.href)}); })
  .then((b) => parentPort.postMessage(b.poolValuesFor(workerData.seed)));
`;

/**
 * Builds the faker pools for `seed` in a short-lived worker thread and returns
 * them as plain lists, so the calling thread never loads faker (~40 MB) and the
 * memory goes away with the worker. Same values as poolsFor(seed).
 */
export function loadPoolValues(seed: number): Promise<PoolValues> {
  return new Promise((resolve, reject) => {
    const w = new Worker(BOOT, { eval: true, workerData: { seed } });
    let values: PoolValues | undefined;
    w.once("message", (v: PoolValues) => {
      values = v;
      void w.terminate();
    });
    w.once("error", reject);
    // resolve once the thread is gone, so its memory is released before anything else starts
    w.once("exit", (code) => {
      if (values) resolve(values);
      else reject(new Error(`pool builder exited with code ${code} before sending the pools`));
    });
  });
}

/**
 * Worker thread body for GeneratorPool: builds its own Dataset from the config it
 * is given, then generates COPY chunks for each job (a table and a row range) and
 * transfers them to the parent.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Dataset } from "./dataset-core.ts";
import type { JobMessage, WorkerReply } from "./parallel.ts";
import { type PoolValues, poolsFromValues } from "./pools.ts";
import type { ScaleConfig } from "./scale.ts";

const port = parentPort;
if (!port) throw new Error("generators/worker.ts must run in a worker thread");

const ds = new Dataset(
  workerData.config as ScaleConfig,
  poolsFromValues(workerData.pools as PoolValues),
);

function send(msg: WorkerReply, transfer?: ArrayBuffer[]): void {
  port!.postMessage(msg, transfer);
}

port.on("message", (msg: JobMessage | { type: "close" }) => {
  if (msg.type === "close") {
    port.close();
    return;
  }
  try {
    const stats = ds.table(msg.table).copy(
      msg.from,
      msg.to,
      (buf) => {
        const ab = buf.buffer as ArrayBuffer;
        send(
          { type: "chunk", job: msg.job, buffer: ab, offset: buf.byteOffset, length: buf.length },
          [ab],
        );
      },
      msg.chunkBytes,
    );
    send({ type: "done", job: msg.job, rows: stats.rows, bytes: stats.bytes });
  } catch (e) {
    send({ type: "error", job: msg.job, message: (e as Error).stack ?? String(e) });
  }
});
send({ type: "ready" });

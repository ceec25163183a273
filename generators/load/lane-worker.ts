import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pgClientConfig } from "../../stores/postgres.ts";
import { Dataset, TABLE_COLUMNS } from "../core.ts";
import type { FromLane, LaneInit, LaneTask, ToLane } from "./lane-messages.ts";

/**
 * A loader lane: generates rows [from, to) of a table as COPY text in this
 * thread and streams them into PostgreSQL over its own connection
 * (COPY ... FROM STDIN), with backpressure, so memory stays at a few chunks.
 * Progress goes to the main thread at most every 100 ms.
 */

const init = workerData as LaneInit;
const port = parentPort!;
const post = (m: FromLane) => port.postMessage(m);
/** built on the first task that generates rows, over the main thread's World tables */
let dataset: Dataset | undefined;

let client: pg.Client | null = null;

async function connect(): Promise<void> {
  if (!init.pg) return;
  client = new pg.Client(pgClientConfig(init.pg));
  client.on("error", () => {});
  await client.connect();
  for (const s of init.session) await client.query(s);
}

type Sink = NodeJS.WritableStream & { rowCount?: number };

async function runTask(t: LaneTask): Promise<void> {
  const t0 = performance.now();
  let sink: Sink;
  if (t.targetFile) sink = createWriteStream(t.targetFile);
  else {
    const sql = `COPY ${t.table} (${TABLE_COLUMNS[t.table].join(", ")}) FROM STDIN`;
    sink = client!.query(copyFrom(sql)) as unknown as Sink;
  }
  let rows = 0;
  let bytes = 0;
  let reportedRows = 0;
  let reportedBytes = 0;
  let lastPost = performance.now();
  const report = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastPost < 100) return;
    lastPost = now;
    post({
      type: "progress",
      table: t.table,
      rows: rows - reportedRows,
      bytes: bytes - reportedBytes,
    });
    reportedRows = rows;
    reportedBytes = bytes;
  };
  if (t.sourceFile) {
    // the plain-COPY baseline: the file's bytes as they are
    const src = createReadStream(t.sourceFile, { highWaterMark: init.chunkBytes });
    for await (const chunk of src) {
      bytes += (chunk as Buffer).length;
      if (!sink.write(chunk as Buffer)) await once(sink, "drain");
    }
    rows = t.to - t.from;
  } else {
    dataset ??= new Dataset(init.config, init.pools, init.world);
    const gen = dataset.table(t.table);
    const stride = 8192;
    for (let a = t.from; a < t.to; a += stride) {
      const b = Math.min(t.to, a + stride);
      for (const chunk of gen.chunks(a, b, init.chunkBytes)) {
        bytes += chunk.length;
        if (!sink.write(chunk)) await once(sink, "drain");
      }
      rows = b - t.from;
      report(false);
    }
  }
  sink.end();
  await finished(sink);
  if (!t.targetFile && sink.rowCount !== undefined && sink.rowCount !== t.to - t.from) {
    throw new Error(
      `COPY ${t.table} rows [${t.from}, ${t.to}) wrote ${sink.rowCount} rows, expected ${t.to - t.from}`,
    );
  }
  report(true);
  post({
    type: "done",
    id: t.id,
    table: t.table,
    rows: t.to - t.from,
    bytes,
    ms: performance.now() - t0,
  });
}

port.on("message", (m: ToLane) => {
  if (m.type === "stop") {
    void (client?.end() ?? Promise.resolve()).finally(() => process.exit(0));
    return;
  }
  runTask(m).catch((e: Error & { code?: string }) => {
    post({ type: "error", message: e.message, code: e.code });
  });
});

connect().then(
  () => post({ type: "ready" }),
  (e: Error & { code?: string }) => post({ type: "error", message: e.message, code: e.code }),
);

import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { CopyWriter, Dataset, TABLE_COLUMNS } from "../generators/core.ts";
import { pgClientConfig } from "../stores/postgres.ts";
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

/**
 * Chunk Buffers the sink has finished with, reused for the next chunks: a
 * lane then holds a few chunks rather than every chunk written since V8 last
 * collected (10-25 MB of Buffers per lane at 256 KB chunks, measured).
 */
const spare: Buffer[] = [];
const SPARE_MAX = 8;
const take = (size: number): Buffer => {
  const b = spare.pop();
  return b && b.length >= size ? b : Buffer.allocUnsafeSlow(size);
};

/**
 * The smallest chunk whose write callback means its memory is free again. A
 * file stream calls back once fs.write is done (any size). A COPY stream calls
 * back once the socket took the chunk: when write() returned true (the socket
 * holds less than its high-water mark, so a chunk at least that big was
 * written out) or after 'drain' (everything written out). A smaller chunk may
 * still sit in the socket's queue, so it is never reused.
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function reusableFrom(t: LaneTask): number {
  if (t.targetFile) return 0;
  const socket = (
    client as unknown as { connection?: { stream?: { writableHighWaterMark?: number } } }
  )?.connection?.stream;
  return socket?.writableHighWaterMark ?? Number.POSITIVE_INFINITY;
}

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
    const size = CopyWriter.bufferSize(init.chunkBytes);
    const minReuse = reusableFrom(t);
    const stride = 8192;
    for (let a = t.from; a < t.to; a += stride) {
      const b = Math.min(t.to, a + stride);
      for (const chunk of gen.chunks(a, b, init.chunkBytes, take)) {
        bytes += chunk.length;
        const whole = chunk.buffer as ArrayBuffer;
        const reuse =
          chunk.length >= minReuse && chunk.byteOffset === 0 && whole.byteLength === size;
        const ok = sink.write(chunk, (e) => {
          if (reuse && !e && spare.length < SPARE_MAX) spare.push(Buffer.from(whole));
        });
        // either way the event loop turns, so the callbacks of chunks written out
        // (deferred to the next tick when the socket took them at once) run and
        // their Buffers come back before the next chunk needs one
        if (!ok) await once(sink, "drain");
        else await turn();
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

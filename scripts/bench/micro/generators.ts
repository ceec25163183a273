/**
 * bench:micro, generators: rows/s of each table's generator writing COPY text
 * on this thread (tinybench, a window of rows from the middle of the table).
 * Whole tables and worker threads: `npm run bench:generate`.
 */
import { Bench } from "tinybench";
import {
  Dataset,
  loadPoolValues,
  type ScaleConfig,
  TABLES,
  type TableName,
} from "../../../generators/core.ts";

export interface GeneratorFigure {
  table: TableName;
  /** rows generated per measured call */
  rows: number;
  nsPerRow: number;
  rowsPerSec: number;
  bytesPerRow: number;
  mbPerSec: number;
}

const WINDOW = 2000;

export async function generatorFigures(
  config: ScaleConfig,
  quick: boolean,
): Promise<{ setupMs: number; tables: GeneratorFigure[] }> {
  const t0 = performance.now();
  const ds = new Dataset(config, await loadPoolValues(config.seed));
  const setupMs = performance.now() - t0;
  const bench = new Bench({ time: quick ? 100 : 500, warmupTime: quick ? 30 : 100 });
  const windows = new Map<TableName, { rows: number; bytes: number }>();
  for (const t of TABLES) {
    const gen = ds.table(t);
    const rows = Math.min(WINDOW, gen.count());
    const from = Math.floor((gen.count() - rows) / 2);
    let bytes = 0;
    gen.copy(from, from + rows, (b) => {
      bytes += b.length;
    });
    windows.set(t, { rows, bytes });
    const discard = (_b: Buffer) => {};
    bench.add(t, () => {
      gen.copy(from, from + rows, discard);
    });
  }
  await bench.run();
  const tables = bench.tasks.map((task) => {
    const table = task.name as TableName;
    const w = windows.get(table)!;
    const ms = (task.result as { latency?: { mean: number } } | undefined)?.latency?.mean;
    const sec = (ms ?? Number.NaN) / 1000;
    return {
      table,
      rows: w.rows,
      nsPerRow: (sec * 1e9) / w.rows,
      rowsPerSec: Math.round(w.rows / sec),
      bytesPerRow: Math.round((w.bytes / w.rows) * 10) / 10,
      mbPerSec: Math.round((w.bytes / 1048576 / sec) * 10) / 10,
    };
  });
  return { setupMs, tables };
}

import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Dataset, resolveScale, TABLES } from "../../generators/core.ts";
import { runLanes, sharedDataset } from "../../load/lanes.ts";
import { planTasks } from "../../load/plan.ts";

const dir = join(tmpdir(), `bb-lanes-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loader lanes", () => {
  it("generate over the main thread's shared World the same bytes as one thread alone", async () => {
    const config = resolveScale({ scale: "tiny", seed: 5 });
    const tasks = planTasks(new Dataset(config), 700).map((t, i) => ({
      ...t,
      targetFile: join(dir, `${i}.copy`),
    }));
    mkdirSync(dir, { recursive: true });
    await runLanes({ lanes: 2, init: { config, pg: null, session: [], chunkBytes: 4096 }, tasks });
    const alone = sharedDataset(config).dataset;
    for (const table of TABLES) {
      const mine = tasks.filter((t) => t.table === table);
      const got = Buffer.concat(mine.map((t) => readFileSync(t.targetFile)));
      const g = alone.table(table);
      const want = Buffer.concat([...g.chunks(0, g.count())]);
      expect(got.equals(want), table).toBe(true);
    }
  });
});

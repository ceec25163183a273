import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgStore, type PgClientKind } from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

describe.each<PgClientKind>(["wire", "node-pg"])(
  "PgStore on the %s client: dedicated connections, prepared statements",
  (kind) => {
    let s: Scratch;
    beforeAll(async () => {
      s = await scratchStores(`pgstore_${kind}`);
    });
    afterAll(async () => s.cleanup());

    it("runs at most `connections` queries at once, queues the rest, and reports waiting", async () => {
      const store = createPgStore(s.pg, 2, kind);
      const sleep = {
        name: "t_sleep",
        text: "SELECT pg_sleep($1::float8), pg_backend_pid() AS pid",
      };
      const rows = await Promise.all(
        Array.from({ length: 6 }, () => store.query<{ pid: number }>(sleep, [0.05])),
      );
      const pids = new Set(rows.map((r) => r[0].pid));
      expect(pids.size).toBe(2);
      const f = store.figures();
      expect(f.size).toBe(2);
      expect(f.maxWaiting).toBe(4);
      expect(f.meanAcquireMs).toBeGreaterThan(0);
      await store.close();
    });

    it("keeps the connection after an SQL error and replaces one that died", async () => {
      const store = createPgStore(s.pg, 1, kind);
      const pid = { name: "t_pid", text: "SELECT pg_backend_pid() AS pid, $1::int AS n" };
      const first = (await store.query<{ pid: number }>(pid, [1]))[0].pid;
      await expect(
        store.query({ name: "t_bad", text: "SELECT 1/$1::int" }, [0]),
      ).rejects.toMatchObject({ code: "22012" });
      expect((await store.query<{ pid: number }>(pid, [2]))[0].pid).toBe(first);
      // kill the backend from another connection: the next query fails, the one after reconnects
      await store.pool.query("SELECT pg_terminate_backend($1)", [first]);
      await store.query(pid, [3]).catch(() => undefined);
      const after = (await store.query<{ pid: number }>(pid, [4]))[0].pid;
      expect(after).not.toBe(first);
      await store.close();
    });
  },
);

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

    it("a connection lost under a query goes away: every waiter gets a live replacement", async () => {
      const store = createPgStore(s.pg, 1, kind);
      const pid = { name: "t_pid3", text: "SELECT pg_backend_pid() AS pid, $1::int AS n" };
      const first = (await store.query<{ pid: number }>(pid, [0]))[0].pid;
      const inFlight = store
        .query({ name: "t_sleep3", text: "SELECT pg_sleep($1::float8)" }, [5])
        .then(
          () => "resolved",
          (e) => e,
        );
      const waiters = [1, 2, 3].map((n) => store.query<{ pid: number; n: number }>(pid, [n]));
      await new Promise((r) => setTimeout(r, 100));
      await store.pool.query("SELECT pg_terminate_backend($1)", [first]);
      expect(await inFlight).toMatchObject({ code: "57P01" });
      const rows = await Promise.all(waiters);
      expect(rows.map((r) => r[0].n)).toEqual([1, 2, 3]);
      expect(rows.every((r) => r[0].pid !== first)).toBe(true);
      await store.close();
    });

    it("close() rejects queries still waiting for a connection", async () => {
      const store = createPgStore(s.pg, 1, kind);
      const busy = store.query({ name: "t_sleep4", text: "SELECT pg_sleep(0.2)" }, []);
      const waiting = store.query({ name: "t_one", text: "SELECT 1" }, []).catch((e) => e);
      await new Promise((r) => setTimeout(r, 50));
      await Promise.all([store.close(), busy.catch(() => undefined)]);
      expect(String(await waiting)).toMatch(/PgStore is closed/);
      await expect(store.query({ name: "t_one", text: "SELECT 1" }, [])).rejects.toThrow(/closed/);
    });
  },
);

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nowUs } from "../../core/clock.ts";
import { type OpTiming, running } from "../../core/op-clock.ts";
import { classifyError } from "../../engine/classify.ts";
import {
  createPgStore,
  type IsolationLevel,
  type PgClientKind,
  type PgStore,
  type PgTx,
  txRetries,
} from "../../stores/postgres.ts";
import { type Scratch, scratchStores } from "../helpers/stores.ts";

/**
 * PgStore.transaction against the real PostgreSQL, on both hot-path clients:
 * BEGIN with the isolation level, statements on one connection, COMMIT;
 * rollback on error with the original SQLSTATE; retries on conflicts, counted.
 */

/** Runs `fn` as the engine runs an operation: `running.op` set for its synchronous part. */
function asOperation<R>(op: OpTiming, fn: () => Promise<R>): Promise<R> {
  running.op = op;
  try {
    return fn();
  } finally {
    running.op = null;
  }
}

/** Resolves once `n` callers have arrived. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => {};
  const gate = new Promise<void>((r) => {
    open = r;
  });
  return () => {
    if (++arrived === n) open();
    return gate;
  };
}

const PID = { name: "tx_pid", text: "SELECT pg_backend_pid() AS pid" };
const ISOLATION = { name: "tx_iso", text: "SHOW transaction_isolation" };
const INSERT = { name: "tx_insert", text: "INSERT INTO tx_items (id, label) VALUES ($1, $2)" };
const COUNT = {
  name: "tx_count",
  text: "SELECT count(*)::int AS n FROM tx_items WHERE label = $1",
};
const READ = { name: "tx_read", text: "SELECT value FROM tx_counter WHERE id = $1" };
const WRITE = { name: "tx_write", text: "UPDATE tx_counter SET value = $2 WHERE id = $1" };
const TOUCH = { name: "tx_touch", text: "UPDATE tx_counter SET value = value + 1 WHERE id = $1" };

describe.each<PgClientKind>(["wire", "node-pg"])("PgStore.transaction on the %s client", (kind) => {
  let s: Scratch;
  let store: PgStore;
  beforeAll(async () => {
    s = await scratchStores(`pg_tx_${kind}`);
    store = createPgStore(s.pg, 2, kind);
    await store.pool.query("CREATE TABLE tx_items (id int PRIMARY KEY, label text NOT NULL)");
    await store.pool.query("CREATE TABLE tx_counter (id int PRIMARY KEY, value int NOT NULL)");
  });
  afterAll(async () => {
    await store?.close();
    await s?.cleanup();
  });

  /** rows with `label`, as another connection sees them (committed only) */
  async function committed(label: string): Promise<number> {
    return (await store.pool.query(COUNT.text, [label])).rows[0].n;
  }

  it("commits every statement on one connection and returns fn's result", async () => {
    const out = await store.transaction(async (tx) => {
      const a = (await tx.query<{ pid: number }>(PID, []))[0].pid;
      await tx.query(INSERT, [1, "commit"]);
      // not visible outside until COMMIT
      expect(await committed("commit")).toBe(0);
      await tx.query(INSERT, [2, "commit"]);
      const b = (await tx.query<{ pid: number }>(PID, []))[0].pid;
      return { a, b };
    });
    expect(out.a).toBe(out.b);
    expect(await committed("commit")).toBe(2);
  });

  it.each<[IsolationLevel | undefined, string]>([
    [undefined, "read committed"],
    ["read committed", "read committed"],
    ["repeatable read", "repeatable read"],
    ["serializable", "serializable"],
  ])(
    "isolation %s: the transaction runs at %s, and the level does not outlive it",
    async (level, shown) => {
      const inside = await store.transaction(
        async (tx) => (await tx.query<{ transaction_isolation: string }>(ISOLATION, []))[0],
        { isolation: level },
      );
      expect(inside.transaction_isolation).toBe(shown);
      // both connections afterwards: back to the session default
      const after = await Promise.all([
        store.query<{ transaction_isolation: string }>(ISOLATION, []),
        store.query<{ transaction_isolation: string }>(ISOLATION, []),
      ]);
      expect(after.map((r) => r[0].transaction_isolation)).toEqual([
        "read committed",
        "read committed",
      ]);
    },
  );

  it("rolls back on a unique violation: the error keeps its SQLSTATE, nothing of the transaction remains, the connection is reused", async () => {
    await store.query(INSERT, [100, "existing"]);
    const pids = new Set<number>();
    const e = await store
      .transaction(async (tx) => {
        pids.add((await tx.query<{ pid: number }>(PID, []))[0].pid);
        await tx.query(INSERT, [101, "rolled-back"]);
        await tx.query(INSERT, [102, "rolled-back"]);
        await tx.query(INSERT, [100, "rolled-back"]); // duplicate key
        await tx.query(INSERT, [103, "rolled-back"]); // never runs
      })
      .catch((x) => x);
    expect(e).toMatchObject({ code: "23505", constraint: "tx_items_pkey" });
    expect(classifyError(e)).toBe("query");
    expect(await committed("rolled-back")).toBe(0);
    expect(await committed("existing")).toBe(1);
    // the connections were kept (no reconnect) and are out of the transaction:
    // a plain query's insert is visible elsewhere at once
    const seen = await Promise.all([
      store.query<{ pid: number }>(PID, []),
      store.query<{ pid: number }>(PID, []),
    ]);
    expect(seen.map((r) => r[0].pid)).toEqual(expect.arrayContaining([...pids]));
    await store.query(INSERT, [104, "autocommit"]);
    expect(await committed("autocommit")).toBe(1);
  });

  it("a failed statement that fn catches still fails the transaction (COMMIT would silently roll back)", async () => {
    const e = await store
      .transaction(async (tx) => {
        await tx.query(INSERT, [200, "swallowed"]);
        await tx.query(INSERT, [200, "swallowed"]).catch(() => undefined);
        return "fn finished";
      })
      .catch((x) => x);
    expect(e).toMatchObject({ code: "23505" });
    expect(await committed("swallowed")).toBe(0);
  });

  it("fn's own error rolls back too; statements after the end are refused", async () => {
    let kept: PgTx | undefined;
    const e = await store
      .transaction(async (tx) => {
        kept = tx;
        await tx.query(INSERT, [300, "thrown"]);
        throw new Error("the scenario changed its mind");
      })
      .catch((x) => x);
    expect(e.message).toBe("the scenario changed its mind");
    expect(await committed("thrown")).toBe(0);
    await expect(kept?.query(INSERT, [301, "late"])).rejects.toThrow(/transaction is over/);
    expect(await committed("late")).toBe(0);
  });

  it("a connection lost inside a transaction is replaced; the error is the server's", async () => {
    const one = createPgStore(s.pg, 1, kind);
    try {
      let victim = 0;
      const e = await one
        .transaction(async (tx) => {
          victim = (await tx.query<{ pid: number }>(PID, []))[0].pid;
          await tx.query(INSERT, [600, "lost"]);
          // terminated while a statement runs: that statement gets the server's FATAL (an
          // idle connection's FATAL would arrive between statements, before the next is sent)
          const killer = (async () => {
            await new Promise((r) => setTimeout(r, 300));
            await store.pool.query("SELECT pg_terminate_backend($1)", [victim]);
          })();
          try {
            await tx.query({ name: "tx_sleep", text: "SELECT pg_sleep(10)" }, []);
          } finally {
            await killer;
          }
        })
        .catch((x) => x);
      expect(e).toMatchObject({ code: "57P01" });
      expect(classifyError(e)).toBe("connection");
      expect(await committed("lost")).toBe(0);
      const next = await one.transaction(
        async (tx) => (await tx.query<{ pid: number }>(PID, []))[0],
      );
      expect(next.pid).not.toBe(victim);
    } finally {
      await one.close();
    }
  });

  it("serialization failures: refused without retries; retried and counted with them", async () => {
    await store.pool.query("INSERT INTO tx_counter VALUES (1, 0), (2, 0)");
    // read, wait until the other transaction has read too, write read+1: one must fail with 40001
    const increment = (id: number, meet: () => Promise<void>) => async (tx: PgTx) => {
      const v = (await tx.query<{ value: number }>(READ, [id]))[0].value;
      await meet();
      await tx.query(WRITE, [id, v + 1]);
    };
    const meet1 = barrier(2);
    const plain = await Promise.allSettled([
      store.transaction(increment(1, meet1), { isolation: "repeatable read" }),
      store.transaction(increment(1, meet1), { isolation: "repeatable read" }),
    ]);
    const failed = plain.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toMatchObject({ code: "40001" });
    expect((await store.pool.query(READ.text, [1])).rows[0].value).toBe(1);

    const counts = txRetries();
    const meet2 = barrier(2);
    let calls = 0;
    // the barrier only on the first attempts: a retry runs alone
    const once = () => (++calls <= 2 ? meet2() : Promise.resolve());
    await Promise.all([
      store.transaction(increment(2, once), { isolation: "serializable", retries: 3, counts }),
      store.transaction(increment(2, once), { isolation: "serializable", retries: 3, counts }),
    ]);
    expect((await store.pool.query(READ.text, [2])).rows[0].value).toBe(2);
    expect(counts).toEqual({ serialization: 1, deadlock: 0, uniqueViolation: 0 });
    expect(calls).toBe(3);
  });

  it("deadlocks are retried and counted; a unique violation only when asked", async () => {
    await store.pool.query("INSERT INTO tx_counter VALUES (10, 0), (11, 0)");
    const counts = txRetries();
    const meet = barrier(2);
    let calls = 0;
    // lock one row, meet, lock the other: opposite orders deadlock (first attempts only)
    const cross = (first: number, second: number) => async (tx: PgTx) => {
      await tx.query(TOUCH, [first]);
      if (++calls <= 2) await meet();
      await tx.query(TOUCH, [second]);
    };
    await Promise.all([
      store.transaction(cross(10, 11), { retries: 2, counts }),
      store.transaction(cross(11, 10), { retries: 2, counts }),
    ]);
    expect(counts.deadlock).toBe(1);
    const rows = (await store.pool.query("SELECT value FROM tx_counter WHERE id IN (10, 11)")).rows;
    expect(rows.map((r) => r.value)).toEqual([2, 2]);

    // 23505 is not retried by default ...
    const none = txRetries();
    await store.query(INSERT, [400, "taken"]);
    const insertFresh = (ids: number[]) => async (tx: PgTx) => {
      await tx.query(INSERT, [ids.shift(), "retry-unique"]);
    };
    await expect(
      store.transaction(insertFresh([400, 401]), { retries: 2, counts: none }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(none.uniqueViolation).toBe(0);
    // ... and is when listed
    const asked = txRetries();
    await store.transaction(insertFresh([400, 402]), {
      retries: 2,
      retryOn: ["uniqueViolation"],
      counts: asked,
    });
    expect(asked).toEqual({ serialization: 0, deadlock: 0, uniqueViolation: 1 });
    expect(await committed("retry-unique")).toBe(1);
  }, 30_000);

  it("the operation's send is BEGIN, after the connection wait; warm-up operations' retries are not counted", async () => {
    const one = createPgStore(s.pg, 1, kind);
    try {
      await one.query(PID, []); // open the connection
      const busy = one.query({ name: "tx_sleep", text: "SELECT pg_sleep(0.3)" }, []);
      const start = nowUs();
      const op: OpTiming = { sentUs: 0, measured: true };
      await asOperation(op, () => one.transaction((tx) => tx.query(PID, [])));
      await busy;
      // the 300 ms the connection was busy are wait, not service time
      expect(op.sentUs - start).toBeGreaterThan(250_000);
      expect(one.figures().maxWaiting).toBe(1);

      // a warm-up operation whose transaction is retried: the retry is not counted
      const counts = txRetries();
      const warm: OpTiming = { sentUs: 0, measured: false };
      const ids = [100, 500]; // 100 exists: the first attempt fails with 23505
      await asOperation(warm, () =>
        one.transaction(
          async (tx) => {
            await tx.query(INSERT, [ids.shift(), "warm-up"]);
          },
          { retries: 1, retryOn: ["uniqueViolation"], counts },
        ),
      );
      expect(warm.sentUs).toBeGreaterThan(0);
      expect(counts.uniqueViolation).toBe(0);
      expect(await committed("warm-up")).toBe(1);
    } finally {
      await one.close();
    }
  });
});

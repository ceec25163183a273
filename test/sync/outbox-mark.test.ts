import { expect, it } from "vitest";
import { follow, outboxServerPerFile, USER_ROW } from "../helpers/outbox-server.ts";

/**
 * The outbox source's marks (what the projector's waitCaughtUp waits on):
 * once seen() reaches a mark, every transaction committed before mark() was
 * handed over, even when the last numbers before the mark belong to
 * transactions that rolled back at commit (gaps), and before any further
 * write; with nothing written yet, a mark is reached too.
 */
const server = outboxServerPerFile();

async function caughtUp(seen: () => bigint, mark: bigint): Promise<void> {
  const until = Date.now() + 10_000;
  while (seen() < mark) {
    if (Date.now() > until) throw new Error(`seen ${seen()} never reached mark ${mark}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it("reaches a mark once everything committed before it is handed over, across gaps", async () => {
  const s = server.current;
  const got = follow(s.target);
  try {
    const empty = await got.source.mark();
    await caughtUp(() => got.source.seen(), empty);
    expect(got.txs).toHaveLength(0);

    for (let i = 0; i < 5; i++) await s.client.query(USER_ROW, [`m${i}`]);
    // a transaction that takes its number at COMMIT and then fails: a deferred check after the seal
    await s.client.query(`CREATE FUNCTION zz_fail() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.row->>'bio' = 'fail' THEN RAISE EXCEPTION 'zz_fail'; END IF; RETURN NULL; END $$`);
    await s.client.query(`CREATE CONSTRAINT TRIGGER zz_fail AFTER INSERT ON bellyfed_outbox
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION zz_fail()`);
    await s.client.query("UPDATE users SET bio = 'ok' WHERE username = 'm0'");
    await expect(
      s.client.query("UPDATE users SET bio = 'fail' WHERE username = 'm1'"),
    ).rejects.toThrow(/zz_fail/);
    const mark = await got.source.mark();
    const last = await s.client.query("SELECT max(seq)::text AS s FROM bellyfed_outbox_commit");
    // the failed commit took a number after the last committed one: the mark is past it
    expect(mark > BigInt(last.rows[0].s)).toBe(true);
    await caughtUp(() => got.source.seen(), mark);
    expect(got.txs.map((t) => t.changes.at(-1)?.row.username)).toEqual([
      "m0",
      "m1",
      "m2",
      "m3",
      "m4",
      "m0",
    ]);
  } finally {
    await got.stop();
  }
}, 60_000);

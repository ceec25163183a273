import { expect, it } from "vitest";
import { outboxStatus } from "../../schema/index.ts";
import { follow, outboxServerPerFile, USER_ROW } from "../helpers/outbox-server.ts";

/**
 * After a restart the outbox source starts right after the acknowledged
 * position: what was acknowledged is never handed over again (and its rows
 * are pruned), what was handed over but not acknowledged is handed over
 * again, in the same order with the same positions (at least once).
 */
const server = outboxServerPerFile();

it("restarts after the acknowledged position, redelivers the rest, prunes what is acknowledged", async () => {
  const s = server.current;
  for (let i = 0; i < 6; i++) await s.client.query(USER_ROW, [`u${i}`]);

  const first = follow(s.target);
  await first.waitFor(6);
  await first.source.acknowledge(first.txs[2].position);
  // stopped (or killed) after acknowledging the third: the other three are not acknowledged
  await first.stop();
  const st = await outboxStatus(s.client);
  expect(st.position).toBe(first.txs[2].position);
  expect(st.pendingTransactions).toBe(3);
  expect(st.pendingRows).toBe(3);
  const left = await s.client.query(
    "SELECT count(*)::int AS n FROM bellyfed_outbox_commit WHERE seq <= $1",
    [first.txs[2].position.toString()],
  );
  expect(left.rows[0].n).toBe(0);

  await s.client.query(USER_ROW, ["u6"]);
  const second = follow(s.target);
  await second.waitFor(4);
  await new Promise((r) => setTimeout(r, 200));
  await second.stop();
  expect(second.txs.map((t) => t.changes[0].row.username)).toEqual(["u3", "u4", "u5", "u6"]);
  expect(second.txs.slice(0, 3)).toEqual(first.txs.slice(3));

  // acknowledging an older position never moves the state backwards
  const third = follow(s.target);
  await third.waitFor(4);
  await third.source.acknowledge(third.txs[3].position);
  await third.source.acknowledge(third.txs[0].position);
  await third.stop();
  const end = await outboxStatus(s.client);
  expect(end.position).toBe(third.txs[3].position);
  expect(end.pendingTransactions).toBe(0);
  expect(end.pendingRows).toBe(0);
}, 60_000);

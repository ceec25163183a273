import type pg from "pg";
import { UsageError } from "../core/errors.ts";
import { ensureSyncSlot, readSlot, slotName, walLevel } from "../load/replication.ts";
import type { PgTarget } from "../stores/types.ts";
import type { ChangeSource } from "./source.ts";

/**
 * Which change source the projector reads: logical decoding (pgoutput) where
 * the server offers it, else (once sync/capability.ts and the outbox land:
 * the lead points `capability` at detectLogicalDecoding / checkOutboxRights)
 * the transactional outbox. Until then a server without logical decoding is
 * one line naming the fix.
 */

export type Capability = { ok: true } | { ok: false; problem: string; fix: string };

/** Stand-in for sync/capability.ts's detectLogicalDecoding (same shape). */
export async function detectLogicalDecoding(client: pg.Client): Promise<Capability> {
  const level = await walLevel(client);
  if (level === "logical") return { ok: true };
  return {
    ok: false,
    problem: `${(await client.query("SELECT current_database() AS d")).rows[0].d} runs with wal_level=${level}, so it cannot decode changes logically`,
    fix: "set wal_level=logical and restart the server (Aurora: rds.logical_replication=1 in the cluster parameter group, reboot, and GRANT rds_replication to the user); the embedded PostgreSQL does this itself: npx bellyfed-bench services up",
  };
}

/**
 * The source for `target`, checked before anything starts: the slot exists
 * (created when missing, said in one line) and no other process reads it.
 */
export async function chooseSource(
  client: pg.Client,
  target: PgTarget,
  say: (line: string) => void,
): Promise<ChangeSource> {
  const cap = await detectLogicalDecoding(client);
  if (!cap.ok) throw new UsageError(`${cap.problem}; ${cap.fix}`);
  const slot = await readSlot(client);
  if (slot?.active)
    throw new UsageError(
      `replication slot ${slot.slot} is in use by another process (PostgreSQL backend pid ${slot.activePid}): one projector per slot; stop that bellyfed-bench sync (Ctrl-C), or end the reader with: psql -c "SELECT pg_terminate_backend(${slot.activePid})"`,
    );
  if (!slot) {
    const created = await ensureSyncSlot(client);
    say(
      `created replication slot ${created ?? slotName(target.database)}: it holds changes from now on (earlier ones are not in it; 'bellyfed-bench sync verify' shows whether the read models still match)`,
    );
  }
  const { PgoutputSource } = await import("./pgoutput-source.ts");
  return new PgoutputSource({ target });
}

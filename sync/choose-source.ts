import type pg from "pg";
import { UsageError } from "../core/errors.ts";
import { ensureSyncIndexes, ensureSyncSlot, readSlot, slotName } from "../load/replication.ts";
import type { PgTarget } from "../stores/types.ts";
import { chooseChangeSource } from "./capability.ts";
import { ensureOutbox, OutboxSource } from "./outbox-source.ts";
import type { ChangeSource } from "./source.ts";

/**
 * Which change source the projector reads: logical decoding (pgoutput) where
 * the server and the role offer it, else the transactional outbox (triggers
 * on the source tables, polled), said in one line with the fix; when neither
 * is possible, one line naming both problems and both fixes (exit 2, nothing
 * created). The checks are sync/capability.ts's.
 */

/**
 * The source for `target`, checked before anything starts: the slot exists
 * (created when missing, said in one line) and no other process reads it.
 */
export async function chooseSource(
  client: pg.Client,
  target: PgTarget,
  say: (line: string) => void,
): Promise<ChangeSource> {
  const choice = await chooseChangeSource(client, { slot: slotName(target.database) });
  if (choice.kind === "outbox") {
    say(choice.note);
    const installed = await ensureOutbox(client);
    if (installed.length > 0)
      say(
        `installed the outbox (${installed.length} objects): it captures changes from now on; 'bellyfed-bench sync verify' shows whether the read models still match`,
      );
    // the per-key recompute's indexes, as with a slot (without them a follow rescans follows)
    const notOwner = await ensureSyncIndexes(client);
    if (notOwner.length > 0)
      say(
        `the projector's recompute reads follows and reviews by user and rankings by restaurant without its indexes (slower on large data); fix: as the owner of the tables run ${notOwner.join(" ")}`,
      );
    return new OutboxSource({ target });
  }
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

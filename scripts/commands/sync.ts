import { setFlagsFromString } from "node:v8";
import type pg from "pg";
import { UsageError } from "../../core/errors.ts";
import { summarize } from "../../core/histogram.ts";
import {
  dropSyncSlot,
  dropSyncState,
  formatBytes,
  inactiveHarnessSlots,
  readSlot,
  slotName,
  walLevel,
} from "../../load/replication.ts";
import { outboxStatus, uninstallOutbox } from "../../schema/index.ts";
import { readPgMarker } from "../../stores/markers.ts";
import { withClient } from "../../stores/postgres.ts";
import type { Endpoints } from "../../stores/types.ts";
import type { ProjectorStats } from "../../sync/projector.ts";
import type { Command } from "../command.ts";
import { type FlagSpec, helpText, parseFlags } from "../lib/args.ts";

const SUBCOMMANDS = ["status", "verify", "reset"] as const;

const SPEC: FlagSpec = {
  show: {
    type: "string",
    description: "verify: how many differences to print",
    default: "5",
    value: "N",
  },
  quiet: { type: "boolean", short: "q", description: "no service start-up lines" },
};

const USAGE = "bellyfed-bench sync [status|verify|reset] [options]";
const SUMMARY = `Keeps the DynamoDB read models in step with PostgreSQL: committed changes
from logical decoding (pgoutput, the harness's replication slot), or where the
server has none a transactional outbox (triggers, polled), recomputed into the
read models' items, written with a condition on the source position.

  sync          run the projector in the foreground (a progress line; Ctrl-C stops it cleanly)
  sync status   the slot, its lag in bytes and seconds, the last applied position, counts
  sync verify   every read-model item against a full recompute (exit 0 equal, 1 different)
  sync reset    drop the harness's slot, publication and the projector's state (nothing else)`;

function lagLine(s: ProjectorStats): string {
  const l = summarize(s.lag);
  return `lag p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`;
}

export function projectorLine(s: ProjectorStats, elapsedS: number): string {
  return `${s.changes.toLocaleString("en-US")} changes in ${s.transactions.toLocaleString("en-US")} transactions applied (${s.itemsPut} puts, ${s.itemsDeleted} deletes, ${s.itemsUnchanged} unchanged, ${s.stale} stale skipped, ${s.errors} errors); ${s.inFlight} in flight; ${lagLine(s)}; ${elapsedS.toFixed(0)} s`;
}

function withPg<T>(endpoints: Endpoints, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return withClient(endpoints.pg, fn);
}

async function requireLoaded(c: pg.Client, endpoints: Endpoints): Promise<void> {
  const marker = await readPgMarker(c);
  if (marker?.load?.status !== "complete")
    throw new UsageError(
      `sync: ${endpoints.pg.description} holds no complete load; load data first: npx bellyfed-bench load --scale small`,
    );
}

/**
 * The projector alone in its process keeps a small live set (about 20-40 MB at
 * `small`) but allocates fast (SDK requests, recomputed items); with V8's
 * defaults for a 4 GB heap the old generation grows to several times the live
 * set between full collections and never gives the pages back, and a 16 MB
 * semi-space doubles into the RSS. --optimize-for-size keeps the heap near the
 * live set (measured in the README, "The projector's memory"); V8 reads it as it
 * goes, so setting it here, before the projector starts, takes effect.
 */
export const SYNC_V8_FLAGS = "--optimize-for-size";

async function runForeground(endpoints: Endpoints, say: (l: string) => void): Promise<number> {
  const { chooseSource } = await import("../../sync/choose-source.ts");
  const { startProjector } = await import("../../sync/projector.ts");
  const source = await withPg(endpoints, async (c) => {
    await requireLoaded(c, endpoints);
    return chooseSource(c, endpoints.pg, say);
  });
  setFlagsFromString(SYNC_V8_FLAGS);
  let lastErrorAt = 0;
  const projector = await startProjector({
    endpoints,
    source,
    // one line per error at most every 5 s (the transaction is retried; the state counts them)
    onError: (e) => {
      if (Date.now() - lastErrorAt < 5000) return;
      lastErrorAt = Date.now();
      say(
        `\nsync: ${e.message} (retrying the transaction)${process.env.BELLYFED_DEBUG ? `\n${e.stack}` : ""}`,
      );
    },
  });
  const t0 = Date.now();
  say(
    `sync: projecting ${endpoints.pg.description} -> ${endpoints.dynamo.description} (${source.kind === "outbox" ? "outbox, polled" : `${source.kind}, slot ${slotName(endpoints.pg.database)}`}); Ctrl-C stops`,
  );
  const tty = process.stderr.isTTY;
  const progress = setInterval(
    () => {
      const line = projectorLine(projector.stats(), (Date.now() - t0) / 1000);
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    tty ? 500 : 5000,
  );
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void projector.stop();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let code = 0;
  try {
    await projector.done;
  } catch (e) {
    if (!stopped) {
      process.stderr.write(`\nsync: the change stream failed: ${(e as Error).message}\n`);
      code = 1;
    }
  }
  clearInterval(progress);
  const s = await projector.stop();
  process.stderr.write(tty ? "\r\x1b[K" : "");
  process.stdout.write(`sync stopped: ${projectorLine(s, (Date.now() - t0) / 1000)}\n`);
  return code;
}

async function status(endpoints: Endpoints): Promise<number> {
  const { createDynamoClient } = await import("../../stores/dynamo.ts");
  const { readState } = await import("../../sync/state.ts");
  const dyn = createDynamoClient(endpoints.dynamo);
  try {
    const state = await readState(dyn, endpoints.dynamo.tablePrefix);
    await withPg(endpoints, async (c) => {
      const level = await walLevel(c);
      const slot = await readSlot(c);
      const lines: string[] = [];
      const outbox = await outboxStatus(c);
      if (outbox.installed)
        lines.push(
          `outbox: installed (the fallback source), acknowledged up to ${outbox.position ?? "nothing"}; ${outbox.pendingTransactions} transactions (${outbox.pendingRows} rows) pending${outbox.oldestPending ? `, the oldest committed ${((Date.now() - outbox.oldestPending.getTime()) / 1000).toFixed(1)} s ago` : ""}`,
        );
      if (!slot && !outbox.installed)
        lines.push(`slot: none (wal_level=${level}); 'bellyfed-bench sync' creates it`);
      else if (slot) {
        // seconds: since the last applied commit (WAL is cluster-wide: bytes behind may be other databases')
        const behindS = state?.lastCommitTime
          ? `; last applied commit ${((Date.now() - Date.parse(state.lastCommitTime)) / 1000).toFixed(1)} s ago`
          : "; nothing applied yet";
        lines.push(
          `slot: ${slot.slot} (pgoutput, ${slot.active ? `active, pid ${slot.activePid}` : "inactive"}), confirmed ${slot.confirmedLsn}`,
          `lag: ${formatBytes(slot.lagBytes)} of WAL behind the server${behindS}`,
        );
      }
      if (state)
        lines.push(
          `last applied: ${state.lastPosition ? `${state.source === "outbox" ? `outbox position ${state.lastPosition}` : bigLsn(state.lastPosition)} committed ${state.lastCommitTime}` : "nothing yet"}; trending as of ${state.asOf ?? "the load (data epoch)"}`,
          `applied: ${state.changes.toLocaleString("en-US")} changes in ${state.transactions.toLocaleString("en-US")} transactions, ${state.stale} stale writes skipped, ${state.errors} errors${state.lastError ? ` (last: ${state.lastError})` : ""}; state written ${state.updatedAt}`,
        );
      else lines.push("projector: has not run against these read models");
      process.stdout.write(`${lines.join("\n")}\n`);
      for (const w of await inactiveSlotWarnings(c)) process.stderr.write(`${w}\n`);
    });
  } finally {
    dyn.destroy();
  }
  return 0;
}

function bigLsn(pos: string): string {
  const n = BigInt(pos);
  return `${(n >> 32n).toString(16).toUpperCase()}/${(n & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** One line per harness slot nobody reads: it keeps WAL forever. */
export async function inactiveSlotWarnings(c: pg.Client): Promise<string[]> {
  return (await inactiveHarnessSlots(c)).map(
    (s) =>
      `warning: replication slot ${s.slot} (database ${s.database}) is inactive and keeps ${formatBytes(s.lagBytes)} of WAL (it keeps every byte until read): run 'npx bellyfed-bench sync' to catch up, or 'npx bellyfed-bench sync reset' to drop it`,
  );
}

async function verify(endpoints: Endpoints, show: number): Promise<number> {
  const { createDynamoClient } = await import("../../stores/dynamo.ts");
  const { verifyReadModels, formatDifference } = await import("../../sync/verify.ts");
  const dyn = createDynamoClient(endpoints.dynamo);
  try {
    return await withPg(endpoints, async (c) => {
      await requireLoaded(c, endpoints);
      const t0 = performance.now();
      const r = await verifyReadModels(c, dyn, endpoints.dynamo.tablePrefix, show);
      const counts = Object.entries(r.checked)
        .map(([t, n]) => `${t} ${n.toLocaleString("en-US")}`)
        .join(", ");
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      if (r.differences === 0) {
        process.stdout.write(
          `equal: every read-model item matches a full recompute (${counts}; ${r.groupsAsOf} trending groups as of their recorded instants) in ${secs} s\n`,
        );
        return 0;
      }
      process.stdout.write(
        `${r.differences} differences between DynamoDB and a full recompute (${counts}) in ${secs} s; the first ${r.first.length}:\n${r.first.map(formatDifference).join("\n")}\n`,
      );
      return 1;
    });
  } finally {
    dyn.destroy();
  }
}

async function reset(endpoints: Endpoints): Promise<number> {
  const { createDynamoClient } = await import("../../stores/dynamo.ts");
  const dyn = createDynamoClient(endpoints.dynamo);
  try {
    return await withPg(endpoints, async (c) => {
      const r = await dropSyncSlot(c);
      if (r.busyPid !== undefined)
        throw new UsageError(
          `replication slot ${slotName(endpoints.pg.database)} is in use by another process (PostgreSQL backend pid ${r.busyPid}); stop that bellyfed-bench sync (Ctrl-C) first, then run: npx bellyfed-bench sync reset`,
        );
      const outbox = await uninstallOutbox(c);
      const state = await dropSyncState(dyn, endpoints.dynamo.tablePrefix);
      const what = [
        ...r.dropped,
        ...(outbox.length > 0 ? [`the outbox (${outbox.length} objects)`] : []),
        ...(state ? ["the projector's state"] : []),
      ];
      process.stdout.write(
        what.length
          ? `dropped ${what.join(", ")}; the read models and data are untouched ('bellyfed-bench sync' creates a new slot)\n`
          : "nothing to drop: no harness slot, publication or projector state here\n",
      );
      return 0;
    });
  } finally {
    dyn.destroy();
  }
}

const sync: Command = {
  name: "sync",
  summary:
    "Keep the DynamoDB read models in step with PostgreSQL (change capture); status, verify, reset",
  async run(argv) {
    const { values, positionals } = parseFlags("sync", argv, SPEC, true);
    if (values.help) {
      process.stdout.write(`${helpText(USAGE, SUMMARY, SPEC)}\n`);
      return 0;
    }
    const sub = positionals[0];
    if (positionals.length > 1 || (sub && !(SUBCOMMANDS as readonly string[]).includes(sub)))
      throw new UsageError(
        `sync: expected nothing or one of ${SUBCOMMANDS.join(", ")} (got '${positionals.join(" ")}'); e.g. npx bellyfed-bench sync status`,
      );
    const show = Number(values.show ?? "5");
    if (!Number.isInteger(show) || show < 0)
      throw new UsageError(
        `--show ${values.show} is not a whole number; e.g. npx bellyfed-bench sync verify --show 10`,
      );
    const { resolveEndpoints } = await import("../../stores/services.ts");
    const say = (line: string) => process.stderr.write(`${line}\n`);
    const endpoints = await resolveEndpoints({ onStep: values.quiet ? undefined : say });
    if (sub === "status") return status(endpoints);
    if (sub === "verify") return verify(endpoints, show);
    if (sub === "reset") return reset(endpoints);
    return runForeground(endpoints, say);
  },
};

export default sync;

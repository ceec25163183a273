import { UsageError } from "../core/errors.ts";
import { READ_MODEL_SOURCE_TABLES } from "../load/read-models.ts";
import {
  OUTBOX_COMMIT_TABLE,
  OUTBOX_STATE_TABLE,
  OUTBOX_TABLE,
  outboxInstalled,
  type Queryable,
} from "../schema/index.ts";

/**
 * What the sync needs from the PostgreSQL server and its role, checked
 * before anything is created. Each check answers ok, or one problem and
 * its fix, each a short clause: the sync prints them on one line.
 *
 * Logical decoding (the pgoutput source) needs `wal_level=logical` (on Aurora
 * and RDS: `rds.logical_replication=1`, which sets it), a role with the
 * replication right (on Aurora and RDS: membership in `rds_replication`), a
 * free replication slot and a free WAL sender. Without it, the sync falls back
 * to the transactional outbox (schema/postgres/outbox.ts), which needs CREATE
 * on the harness's schema (a table, a sequence, trigger functions) and the
 * TRIGGER right on the tables the read models read.
 */

export type Capability = { ok: true } | { ok: false; problem: string; fix: string };

/** The one-line form: "problem; fix: fix". */
export function describeCapability(c: Capability): string {
  return c.ok ? "available" : `${c.problem}; fix: ${c.fix}`;
}

interface ServerFacts {
  wal_level: string;
  rds_logical: string | null;
  user: string;
  db: string;
  replication_attr: boolean;
  rds_role: boolean;
  rds_member: boolean;
  max_slots: number;
  used_slots: number;
  own_slot: boolean;
  inactive_slots: string[];
  max_senders: number;
  used_senders: number;
}

const SERVER_FACTS_SQL = `
SELECT current_setting('wal_level') AS wal_level,
       current_setting('rds.logical_replication', true) AS rds_logical,
       current_user AS "user", current_database() AS db,
       COALESCE((SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user), false)
         AS replication_attr,
       to_regrole('rds_replication') IS NOT NULL AS rds_role,
       COALESCE((SELECT pg_has_role(current_user, oid, 'member') FROM pg_roles
                  WHERE rolname = 'rds_replication'), false) AS rds_member,
       current_setting('max_replication_slots')::int AS max_slots,
       (SELECT count(*) FROM pg_replication_slots)::int AS used_slots,
       EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1) AS own_slot,
       ARRAY(SELECT slot_name::text FROM pg_replication_slots WHERE NOT active ORDER BY slot_name)
         AS inactive_slots,
       current_setting('max_wal_senders')::int AS max_senders,
       (SELECT count(*) FROM pg_stat_replication)::int AS used_senders`;

/** Quotes a role name for a GRANT the user can paste. */
function roleName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * Can the sync read this server's changes by logical decoding? `slot`: the
 * sync's own slot name (an existing one needs no free slot).
 */
export async function detectLogicalDecoding(
  pg: Queryable,
  opts: { slot?: string } = {},
): Promise<Capability> {
  const f = (await pg.query(SERVER_FACTS_SQL, [opts.slot ?? null])).rows[0] as ServerFacts;
  // Aurora and RDS register rds.logical_replication; a plain PostgreSQL has no such setting
  const rds = f.rds_logical !== null || f.rds_role;
  const user = roleName(f.user);
  if (f.wal_level !== "logical") {
    if (rds)
      return {
        ok: false,
        problem: `logical decoding is off on the server of database ${f.db} (rds.logical_replication=${f.rds_logical ?? "0"}, wal_level=${f.wal_level})`,
        fix: `set rds.logical_replication=1 in a custom DB cluster parameter group attached to the cluster, reboot the writer instance, and run GRANT rds_replication TO ${user};`,
      };
    return {
      ok: false,
      problem: `logical decoding is off on the server of database ${f.db} (wal_level=${f.wal_level})`,
      fix: "as a superuser run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL",
    };
  }
  if (!f.replication_attr && !(f.rds_role && f.rds_member)) {
    if (rds)
      return {
        ok: false,
        problem: `role ${f.user} may not stream changes (it is not a member of rds_replication)`,
        fix: `as the master user run GRANT rds_replication TO ${user};`,
      };
    return {
      ok: false,
      problem: `role ${f.user} may not stream changes (it has no REPLICATION attribute)`,
      fix: `as a superuser run ALTER ROLE ${user} REPLICATION;`,
    };
  }
  if (!f.own_slot && f.used_slots >= f.max_slots) {
    const unused = f.inactive_slots.slice(0, 3);
    return {
      ok: false,
      problem: `all ${f.max_slots} replication slots are taken (max_replication_slots=${f.max_slots})${unused.length > 0 ? `, inactive: ${unused.join(", ")}` : ""}`,
      fix:
        unused.length > 0
          ? `drop a slot nobody uses: SELECT pg_drop_replication_slot('${unused[0]}'); or raise max_replication_slots and restart`
          : "raise max_replication_slots (a restart; on Aurora in the cluster parameter group)",
    };
  }
  if (f.used_senders >= f.max_senders) {
    return {
      ok: false,
      problem: `all ${f.max_senders} WAL senders are busy (max_wal_senders=${f.max_senders})`,
      fix: "raise max_wal_senders (a restart; on Aurora in the cluster parameter group)",
    };
  }
  return { ok: true };
}

/**
 * May this role install the outbox in its own database: CREATE on the current
 * schema (a table, a sequence, the trigger functions) and TRIGGER on each
 * source table? An outbox that is already installed needs only the right to
 * acknowledge (UPDATE its state, DELETE delivered rows).
 */
export async function checkOutboxRights(
  pg: Queryable,
  tables: readonly string[] = READ_MODEL_SOURCE_TABLES,
): Promise<Capability> {
  const who = (
    await pg.query(
      `SELECT current_user AS "user", current_database() AS db, current_schema() AS schema,
              COALESCE(has_schema_privilege(current_schema(), 'CREATE'), false) AS can_create`,
    )
  ).rows[0] as { user: string; db: string; schema: string | null; can_create: boolean };
  const user = roleName(who.user);
  if (who.schema === null)
    return {
      ok: false,
      problem: `role ${who.user} has no schema on its search_path in database ${who.db}`,
      fix: `set the search_path to the schema of the bellyfed-bench tables: ALTER ROLE ${user} SET search_path = public;`,
    };
  const t = await pg.query(
    `SELECT name, to_regclass(name) IS NOT NULL AS present,
            COALESCE(to_regclass(name) IS NOT NULL AND has_table_privilege(to_regclass(name), 'TRIGGER'), false) AS can_trigger
       FROM unnest($1::text[]) WITH ORDINALITY AS u(name, i) ORDER BY i`,
    [tables],
  );
  const missing = t.rows.filter((r) => !r.present).map((r) => r.name as string);
  if (missing.length > 0)
    return {
      ok: false,
      problem: `database ${who.db} has no table ${missing.join(", ")} (the read models' sources)`,
      fix: "create the schema and load data: bellyfed-bench load --scale small",
    };
  if (await outboxInstalled(pg, tables)) {
    const own = (
      await pg.query(
        `SELECT has_table_privilege($1, 'UPDATE') AND has_table_privilege($2, 'DELETE') AS ok`,
        [OUTBOX_STATE_TABLE, OUTBOX_TABLE],
      )
    ).rows[0].ok;
    if (own) return { ok: true };
    return {
      ok: false,
      problem: `role ${who.user} may not acknowledge the outbox installed in ${who.schema} of database ${who.db}`,
      fix: `as its owner run GRANT UPDATE ON ${OUTBOX_STATE_TABLE} TO ${user}; GRANT DELETE ON ${OUTBOX_TABLE}, ${OUTBOX_COMMIT_TABLE} TO ${user};`,
    };
  }
  const noTrigger = t.rows.filter((r) => !r.can_trigger).map((r) => r.name as string);
  if (who.can_create && noTrigger.length === 0) return { ok: true };
  const lacks = [
    ...(who.can_create ? [] : [`CREATE on schema ${who.schema}`]),
    ...(noTrigger.length > 0 ? [`TRIGGER on ${noTrigger.join(", ")}`] : []),
  ];
  const grants = [
    ...(who.can_create ? [] : [`GRANT CREATE ON SCHEMA ${who.schema} TO ${user};`]),
    ...(noTrigger.length > 0 ? [`GRANT TRIGGER ON ${noTrigger.join(", ")} TO ${user};`] : []),
  ];
  return {
    ok: false,
    problem: `role ${who.user} may not install the outbox in database ${who.db} (it lacks ${lacks.join(" and ")})`,
    fix: `as the owner of the tables run ${grants.join(" ")}`,
  };
}

export type SourceChoice =
  | { kind: "pgoutput" }
  /** `note`: the one line the sync prints (why not pgoutput, and its fix) */
  | { kind: "outbox"; note: string };

/**
 * The sync's source: logical decoding when the server has it, else the
 * outbox (with a one-line note naming the problem and the fix), else a
 * UsageError (exit 2) naming both problems and both fixes. Reads catalogs
 * only: nothing is created or changed. `prefer: "outbox"` skips logical
 * decoding (the outbox's rights are still checked).
 */
export async function chooseChangeSource(
  pg: Queryable,
  opts: { slot?: string; prefer?: "pgoutput" | "outbox"; tables?: readonly string[] } = {},
): Promise<SourceChoice> {
  const logical: Capability =
    opts.prefer === "outbox"
      ? { ok: false, problem: "the outbox was asked for", fix: "" }
      : await detectLogicalDecoding(pg, { slot: opts.slot });
  if (logical.ok) return { kind: "pgoutput" };
  const outbox = await checkOutboxRights(pg, opts.tables);
  if (!outbox.ok) {
    if (opts.prefer === "outbox")
      throw new UsageError(`the outbox cannot be installed: ${describeCapability(outbox)}`);
    throw new UsageError(
      `logical decoding is not available (${logical.problem}; fix: ${logical.fix}) and the outbox fallback cannot be installed either (${outbox.problem}; fix: ${outbox.fix})`,
    );
  }
  return {
    kind: "outbox",
    note:
      opts.prefer === "outbox"
        ? "reading changes from the transactional outbox (triggers, polled), as asked"
        : `${logical.problem}; fix: ${logical.fix}; until then the sync reads a transactional outbox (triggers on the source tables, polled)`,
  };
}

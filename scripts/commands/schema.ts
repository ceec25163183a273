import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { UsageError } from "../../core/errors.ts";
import { type Billing, DYNAMO_TABLES, ON_DEMAND } from "../../schema/dynamodb/tables.ts";
import {
  DEFAULT_INDEX_SET,
  listIndexSets,
  loadIndexSet,
} from "../../schema/index-sets/index-sets.ts";
import { FOREIGN_KEYS } from "../../schema/postgres/foreign-keys.ts";
import { TABLES_IN_LOAD_ORDER } from "../../schema/postgres/tables.ts";
import type { PgStore } from "../../stores/postgres.ts";
import type { Endpoints } from "../../stores/types.ts";
import type { Command } from "../command.ts";
import { type FlagSpec, helpText, type Parsed, parseFlags, parsePositiveInt } from "../lib/args.ts";

const ONLY = { type: "string", description: "Only one store: pg or dynamo" } as const;
const PREFIX = {
  type: "string",
  description: "DynamoDB table-name prefix (default: $BELLYFED_TABLE_PREFIX or none)",
} as const;

const APPLY_FLAGS: FlagSpec = {
  "index-set": {
    type: "string",
    description: `Index set to make active (${listIndexSets().join(", ")}; default: the active set, or ${DEFAULT_INDEX_SET})`,
  },
  only: ONLY,
  billing: {
    type: "string",
    description: "DynamoDB billing: on-demand or provisioned (then --rcu and --wcu are required)",
    default: "on-demand",
  },
  rcu: {
    type: "string",
    description: "Read capacity units per table and GSI (provisioned only; no default)",
  },
  wcu: {
    type: "string",
    description: "Write capacity units per table and GSI (provisioned only; no default)",
  },
  "table-prefix": PREFIX,
  "dynamo-variant": {
    type: "string",
    description:
      "DynamoDB schema variant: design, influence-sharded[:N], leaderboards-by-entity, or one of $BELLYFED_DYNAMO_VARIANTS (default: the one applied, else design)",
  },
  force: {
    type: "boolean",
    description: "Create into a database or use DynamoDB tables bellyfed-bench did not create",
  },
};

const STATUS_FLAGS: FlagSpec = {
  only: ONLY,
  "table-prefix": PREFIX,
  json: { type: "boolean", description: "Print the status as JSON" },
};

const RESET_FLAGS: FlagSpec = {
  only: ONLY,
  "table-prefix": PREFIX,
  force: { type: "boolean", description: "Also drop the design's tables where no marker is found" },
  yes: { type: "boolean", short: "y", description: "Do not ask for confirmation" },
};

const SUBCOMMANDS = {
  apply: {
    usage:
      "bellyfed-bench schema apply [--index-set NAME] [--only pg|dynamo] [--billing on-demand|provisioned --rcu N --wcu N] [--table-prefix P] [--dynamo-variant NAME] [--force]",
    summary:
      "Create what is missing: the 11 PostgreSQL tables, foreign keys, the feed function and an index set (swapping indexes when the set changes), and the 3 DynamoDB tables with their GSIs. A second run changes nothing.",
    flags: APPLY_FLAGS,
  },
  status: {
    usage: "bellyfed-bench schema status [--only pg|dynamo] [--table-prefix P] [--json]",
    summary:
      "Show what exists: tables with row estimates, the active index set, foreign keys, the feed function, DynamoDB tables with item counts, GSIs and markers.",
    flags: STATUS_FLAGS,
  },
  reset: {
    usage: "bellyfed-bench schema reset [--only pg|dynamo] [--table-prefix P] [--force] [--yes]",
    summary:
      "Drop what bellyfed-bench created: the 11 tables, the feed function and the marker in PostgreSQL, the 3 DynamoDB tables. Refuses stores without the bellyfed-bench marker unless --force.",
    flags: RESET_FLAGS,
  },
} as const;

type Sub = keyof typeof SUBCOMMANDS;

function usage(): string {
  return [
    "Usage: bellyfed-bench schema <apply|status|reset> [options]",
    "",
    "Apply, inspect or reset the Bellyfed schema (PostgreSQL tables and index sets, DynamoDB tables).",
    "",
    "Subcommands:",
    ...Object.entries(SUBCOMMANDS).map(([n, s]) => `  ${n.padEnd(7)} ${s.summary.split(". ")[0]}`),
    "",
    "Run 'bellyfed-bench schema <subcommand> --help' for its options.",
  ].join("\n");
}

/**
 * The store clients and schema functions, loaded only when a subcommand runs,
 * so --help and bad input answer without loading the AWS SDK and pg.
 */
async function runtime() {
  const [dynamoApply, pgApply, dynamo, markers, postgres, services, variants] = await Promise.all([
    import("../../schema/dynamodb/apply.ts"),
    import("../../schema/postgres/apply.ts"),
    import("../../stores/dynamo.ts"),
    import("../../stores/markers.ts"),
    import("../../stores/postgres.ts"),
    import("../../stores/services.ts"),
    import("../../schema/dynamodb/variants/index.ts"),
  ]);
  return {
    ...dynamoApply,
    ...pgApply,
    ...dynamo,
    ...markers,
    ...postgres,
    ...services,
    ...variants,
  };
}

type Runtime = Awaited<ReturnType<typeof runtime>>;

interface Targets {
  pg: boolean;
  dynamo: boolean;
}

function parseOnly(v: Parsed["values"]): Targets {
  const only = v.only as string | undefined;
  if (only === undefined) return { pg: true, dynamo: true };
  if (only === "pg") return { pg: true, dynamo: false };
  if (only === "dynamo") return { pg: false, dynamo: true };
  throw new UsageError(`--only '${only}' is not a store; write --only pg or --only dynamo`);
}

/** --table-prefix checked on its own, before any service starts. */
function checkPrefix(v: Parsed["values"]): void {
  const p = v["table-prefix"] as string | undefined;
  if (p !== undefined && (!/^[A-Za-z0-9_.-]*$/.test(p) || p.length > 100)) {
    throw new UsageError(
      `--table-prefix '${p}' may hold only letters, digits, '_', '-' and '.' (at most 100)`,
    );
  }
}

function parsePrefix(v: Parsed["values"], endpoints: Endpoints): string {
  const p = v["table-prefix"] as string | undefined;
  return p === undefined ? endpoints.dynamo.tablePrefix : p;
}

function parseBilling(v: Parsed["values"]): Billing {
  const mode = (v.billing as string | undefined) ?? "on-demand";
  const rcu = v.rcu as string | undefined;
  const wcu = v.wcu as string | undefined;
  if (mode === "on-demand") {
    if (rcu !== undefined || wcu !== undefined) {
      throw new UsageError(
        "--rcu and --wcu apply to provisioned tables; add --billing provisioned or drop them",
      );
    }
    return ON_DEMAND;
  }
  if (mode !== "provisioned") {
    throw new UsageError(
      `--billing '${mode}' is not a billing mode; write --billing on-demand or --billing provisioned`,
    );
  }
  if (rcu !== undefined) parsePositiveInt("rcu", rcu, 40_000);
  if (wcu !== undefined) parsePositiveInt("wcu", wcu, 40_000);
  if (rcu === undefined || wcu === undefined) {
    const missing = [rcu === undefined && "--rcu N", wcu === undefined && "--wcu N"].filter(
      Boolean,
    );
    throw new UsageError(
      `--billing provisioned needs ${missing.join(" and ")} (capacity units per table and GSI; there is no default), e.g. --billing provisioned --rcu 100 --wcu 100`,
    );
  }
  return {
    mode: "provisioned",
    readCapacityUnits: parsePositiveInt("rcu", rcu, 40_000),
    writeCapacityUnits: parsePositiveInt("wcu", wcu, 40_000),
  };
}

/** Flags that only mean something for one store: refused when --only leaves that store out. */
function refuseOtherStoreFlags(v: Parsed["values"], targets: Targets): void {
  const only = targets.pg ? "pg" : "dynamo";
  const flags = targets.dynamo
    ? targets.pg
      ? []
      : ["index-set"]
    : ["billing", "rcu", "wcu", "table-prefix", "dynamo-variant"];
  for (const f of flags)
    if (v[f] !== undefined)
      throw new UsageError(
        `--${f} applies to ${only === "pg" ? "DynamoDB" : "PostgreSQL"}, which --only ${only} leaves out; drop one of them`,
      );
}

/** Opens what the subcommand needs and always closes it. */
async function withStores<T>(
  rt: Runtime,
  endpoints: Endpoints,
  targets: Targets,
  fn: (pg: PgStore | undefined, dynamo: DynamoDBClient | undefined) => Promise<T>,
): Promise<T> {
  const pg = targets.pg ? rt.createPgStore(endpoints.pg, 2) : undefined;
  const dynamo = targets.dynamo ? rt.createDynamoClient(endpoints.dynamo, 8) : undefined;
  try {
    return await fn(pg, dynamo);
  } finally {
    await pg?.close().catch(() => {});
    dynamo?.destroy();
  }
}

function summaryLine(targets: Targets, indexSet: string | null, dynamoTables: number): string {
  const parts: string[] = [];
  if (targets.pg)
    parts.push(`${TABLES_IN_LOAD_ORDER.length} tables`, `index set ${indexSet ?? "none"}`);
  if (targets.dynamo) parts.push(`${dynamoTables} DynamoDB tables`);
  return parts.join(", ");
}

async function apply(v: Parsed["values"], io: SchemaIo): Promise<number> {
  const out = io.out;
  const targets = parseOnly(v);
  refuseOtherStoreFlags(v, targets);
  checkPrefix(v);
  const billing = parseBilling(v);
  const indexSet = v["index-set"] as string | undefined;
  if (indexSet !== undefined) loadIndexSet(indexSet); // unknown name: UsageError before anything runs
  const variantName = v["dynamo-variant"] as string | undefined;
  // an unknown variant: one line listing the known ones, before any service starts
  const variant =
    variantName === undefined
      ? undefined
      : await (await import("../../schema/dynamodb/variants/index.ts")).resolveVariant(variantName);
  const force = v.force === true;
  const rt = await runtime();
  const endpoints = await (io.endpoints ?? rt.resolveEndpoints)();
  const prefix = parsePrefix(v, endpoints);
  return withStores(rt, endpoints, targets, async (pg, dynamo) => {
    // both guards before either store is touched
    if (pg) await rt.assertPgSafe(pg.pool, { force, action: "create the schema there anyway" });
    if (dynamo) {
      await rt.assertDynamoSafe(dynamo, prefix, rt.tableNames(prefix), {
        force,
        action: "use them anyway",
      });
    }
    const changes: string[] = [];
    if (pg) changes.push(...(await rt.applyPgSchema(pg.pool, { indexSet, force })));
    if (dynamo)
      changes.push(...(await rt.applyDynamoTables(dynamo, { prefix, billing, force, variant })));
    const active = pg ? ((await rt.readPgMarker(pg.pool))?.indexSet ?? null) : null;
    const summary = summaryLine(targets, active, DYNAMO_TABLES.length);
    if (changes.length === 0) {
      out(`schema is up to date: ${summary}`);
    } else {
      for (const c of changes) out(`  ${c}`);
      out(
        `schema applied (${changes.length} change${changes.length === 1 ? "" : "s"}): ${summary}`,
      );
    }
    return 0;
  });
}

function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return "not analyzed";
  return `~${n.toLocaleString("en-US")} rows`;
}

async function status(v: Parsed["values"], io: SchemaIo): Promise<number> {
  const out = io.out;
  const targets = parseOnly(v);
  refuseOtherStoreFlags(v, targets);
  checkPrefix(v);
  const rt = await runtime();
  const endpoints = await (io.endpoints ?? rt.resolveEndpoints)();
  const prefix = parsePrefix(v, endpoints);
  return withStores(rt, endpoints, targets, async (pg, dynamo) => {
    const pgStatus = pg ? await rt.pgSchemaStatus(pg.pool) : undefined;
    const dynStatus = dynamo ? await rt.dynamoSchemaStatus(dynamo, prefix) : undefined;
    const variantName = dynamo ? ((await rt.readVariantName(dynamo, prefix)) ?? "design") : null;
    if (v.json === true) {
      out(
        JSON.stringify(
          {
            postgres: pgStatus,
            dynamodb: dynStatus && { prefix, variant: variantName, tables: dynStatus },
          },
          null,
          2,
        ),
      );
      return 0;
    }
    if (pgStatus) {
      const s = pgStatus;
      const present = s.tables.filter((t) => t.exists).length;
      out(`PostgreSQL: ${endpoints.pg.description}`);
      out(
        s.marker
          ? `  marker: created ${s.marker.createdAt.toISOString()} by ${s.marker.createdBy}, schema version ${s.marker.schemaVersion}`
          : "  marker: none (bellyfed-bench has not created a schema here)",
      );
      if (s.marker?.load) {
        const l = s.marker.load;
        const took = l.durationMs === null ? "" : `, took ${(l.durationMs / 1000).toFixed(1)} s`;
        out(
          `  load: scale ${l.scale}, seed ${l.seed}, ${l.status}${took}, started ${l.startedAt.toISOString()}`,
        );
      }
      out(`  tables: ${present}/${s.tables.length}`);
      const w = Math.max(...s.tables.map((t) => t.name.length));
      for (const t of s.tables) {
        out(`    ${t.name.padEnd(w)}  ${t.exists ? fmtCount(t.rowEstimate) : "missing"}`);
      }
      const setSize = s.indexSet.present.length + s.indexSet.missing.length;
      out(
        s.indexSet.active
          ? `  index set: ${s.indexSet.active} (${s.indexSet.present.length}/${setSize} indexes${s.indexSet.missing.length ? `; missing ${s.indexSet.missing.join(", ")}` : ""})`
          : "  index set: none",
      );
      out(
        `  foreign keys: ${s.foreignKeys.present.length}/${FOREIGN_KEYS.length}${s.foreignKeys.missing.length && s.foreignKeys.present.length ? ` (missing ${s.foreignKeys.missing.join(", ")})` : ""}`,
      );
      out(`  feed function bellyfed_activity_feed: ${s.feedFunction ? "present" : "missing"}`);
      if (s.otherTables.length > 0)
        out(`  other tables (not touched): ${s.otherTables.join(", ")}`);
    }
    if (dynStatus) {
      out(
        `DynamoDB: ${endpoints.dynamo.description}${prefix ? ` (prefix ${prefix})` : ""}, schema variant ${variantName}`,
      );
      const w = Math.max(...dynStatus.map((t) => t.name.length));
      for (const t of dynStatus) {
        if (!t.exists) {
          out(`  ${t.name.padEnd(w)}  missing`);
          continue;
        }
        out(
          `  ${t.name.padEnd(w)}  ${t.status}, ${t.billing}, ${(t.itemCount ?? 0).toLocaleString("en-US")} items, ${t.managed ? "marked bellyfed-bench" : "NOT created by bellyfed-bench"}${t.diffs.length ? `, differs from the design: ${t.diffs.join(", ")}` : ""}`,
        );
        for (const g of t.gsis)
          out(`    GSI ${g.name}: ${g.keys}, projection ${g.projection}, ${g.status}`);
        for (const l of t.lsis ?? [])
          out(`    LSI ${l.name}: ${l.keys}, projection ${l.projection}`);
      }
    }
    return 0;
  });
}

async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function reset(v: Parsed["values"], io: SchemaIo): Promise<number> {
  const out = io.out;
  const targets = parseOnly(v);
  refuseOtherStoreFlags(v, targets);
  checkPrefix(v);
  const force = v.force === true;
  // no terminal to ask at: say so before any service starts
  if (v.yes !== true && !(io.interactive ?? process.stdin.isTTY === true))
    throw new UsageError(
      "schema reset drops what bellyfed-bench created and asks first, but there is no terminal to ask at; pass --yes to confirm",
    );
  const rt = await runtime();
  const endpoints = await (io.endpoints ?? rt.resolveEndpoints)();
  const prefix = parsePrefix(v, endpoints);
  return withStores(rt, endpoints, targets, async (pg, dynamo) => {
    const what: string[] = [];
    if (pg) {
      const state = await rt.assertPgSafe(pg.pool, {
        force,
        action: "drop the design's tables anyway",
      });
      what.push(`the bellyfed-bench schema in database ${state.database}`);
    }
    if (dynamo) {
      const { existing } = await rt.assertDynamoSafe(dynamo, prefix, rt.tableNames(prefix), {
        force,
        action: "delete them anyway",
      });
      if (existing.length > 0) what.push(`DynamoDB tables ${existing.join(", ")}`);
    }
    if (v.yes !== true) {
      const question = `Drop ${what.join(" and ")}?`;
      if (!(await confirm(question))) {
        out("schema reset: cancelled, nothing dropped");
        return 1;
      }
    }
    const changes: string[] = [];
    if (pg) changes.push(...(await rt.dropPgSchema(pg.pool, { force })));
    if (dynamo) changes.push(...(await rt.dropDynamoTables(dynamo, { prefix, force })));
    if (changes.length === 0) {
      out("schema reset: nothing to drop");
    } else {
      for (const c of changes) out(`  ${c}`);
      out(`schema reset: ${changes.length} object${changes.length === 1 ? "" : "s"} dropped`);
    }
    return 0;
  });
}

/** Where the command's stores and output go; tests pass scratch endpoints and collect lines. */
export interface SchemaIo {
  out: (line: string) => void;
  endpoints?: () => Promise<Endpoints>;
  /** whether a confirmation can be asked for (default: stdin is a terminal) */
  interactive?: boolean;
}

/** `bellyfed-bench schema ...` with its stores and output injectable. */
export async function runSchema(argv: string[], io: SchemaIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h" || sub === "help") {
    io.out(usage());
    return 0;
  }
  // a command that needs a subcommand and gets none is bad input (as `services`)
  if (sub === undefined)
    throw new UsageError(
      "schema: expected one of apply, status, reset; see 'bellyfed-bench schema --help'",
    );
  if (!Object.hasOwn(SUBCOMMANDS, sub)) {
    throw new UsageError(
      `schema: unknown subcommand '${sub}'; use apply, status or reset (see 'bellyfed-bench schema --help')`,
    );
  }
  const spec = SUBCOMMANDS[sub as Sub];
  const parsed = parseFlags(`schema ${sub}`, rest, spec.flags);
  if (parsed.values.help === true) {
    io.out(helpText(spec.usage, spec.summary, spec.flags));
    return 0;
  }
  if (sub === "apply") return apply(parsed.values, io);
  if (sub === "status") return status(parsed.values, io);
  return reset(parsed.values, io);
}

const command: Command = {
  name: "schema",
  summary: "Apply, inspect or reset the schema (tables, index sets, DynamoDB tables)",
  run: (argv) => runSchema(argv, { out: (s) => process.stdout.write(`${s}\n`) }),
};

export default command;

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { UsageError } from "../core/errors.ts";
import type { LoadFlags } from "./models/model.ts";

/** One entry of the scenario registry, as the engine uses it. */
export interface ScenarioEntry {
  name: string;
  /** file URL of the scenario module (worker threads import it) */
  url: string;
  description: string;
  /** the load a run uses when no --rate/--vus/--stages is given (flags, completed by the model) */
  load?: LoadFlags;
  /** a write scenario: it changes the data, so `all` leaves it out (name it, or use --mix) */
  writes?: boolean;
}

/**
 * The registry: scenarios by name, and named groups of them (`GROUPS` in
 * scenarios/index.ts: `run index-probes` runs the group's members).
 */
export class Registry extends Map<string, ScenarioEntry> {
  readonly groups = new Map<string, string[]>();
}

/**
 * `BELLYFED_REGISTRY=FILE`: a module exporting `SCENARIOS` in the same shape
 * as scenarios/index.ts, used instead of it (your own scenarios; the tests'
 * synthetic ones).
 */
function registryFromEnv(): string | undefined {
  const file = process.env.BELLYFED_REGISTRY;
  return file ? pathToFileURL(resolve(file)).href : undefined;
}

/**
 * Reads `SCENARIOS` from scenarios/index.ts (name → { module: URL,
 * description, load }). Imported lazily: only `run` needs it.
 */
export async function loadRegistry(
  specifier = registryFromEnv() ?? "../scenarios/index.ts",
): Promise<Registry> {
  let mod: { SCENARIOS?: Record<string, unknown>; GROUPS?: Record<string, unknown> };
  try {
    mod = await import(specifier);
  } catch (e) {
    throw new UsageError(
      `cannot load the scenario registry ${process.env.BELLYFED_REGISTRY ?? "scenarios/index.ts"}: ${(e as Error).message.split("\n")[0]}`,
    );
  }
  const raw = mod.SCENARIOS ?? {};
  const out = new Registry();
  for (const [name, value] of Object.entries(raw)) {
    const v = value as Record<string, unknown>;
    const url = v.module;
    if (url === undefined) continue;
    out.set(name, {
      name,
      url: url instanceof URL ? url.href : String(url),
      description: typeof v.description === "string" ? v.description : "",
      load: v.load as LoadFlags | undefined,
      ...(v.writes === true ? { writes: true } : {}),
    });
  }
  for (const [name, value] of Object.entries(mod.GROUPS ?? {})) {
    const members = (value as { scenarios?: unknown }).scenarios;
    if (!Array.isArray(members)) continue;
    if (out.has(name) || name === "all")
      throw new UsageError(`scenario registry: group '${name}' has a scenario's name; rename it`);
    const unknown = members.filter((m) => !out.has(String(m)));
    if (unknown.length > 0)
      throw new UsageError(
        `scenario registry: group '${name}' names unknown scenarios ${unknown.join(", ")}; fix GROUPS`,
      );
    out.groups.set(name, members.map(String));
  }
  return out;
}

/**
 * The entries for the requested names (`all` means every read scenario: writes
 * change the data and are named one by one; a group's name, its members), each
 * once, in the order asked; unknown names are a UsageError.
 */
export function selectScenarios(
  registry: Map<string, ScenarioEntry> | Registry,
  names: string[],
): ScenarioEntry[] {
  const groups = registry instanceof Registry ? registry.groups : new Map<string, string[]>();
  const known = [...registry.keys(), ...groups.keys()];
  if (names.length === 0) {
    throw new UsageError(
      `run: name at least one scenario (or 'all'); known: ${known.join(", ") || "none"}`,
    );
  }
  const picked: ScenarioEntry[] = [];
  for (const n of names) {
    if (n === "all") {
      for (const e of registry.values()) if (!e.writes && !picked.includes(e)) picked.push(e);
      continue;
    }
    const group = groups.get(n);
    if (group) {
      for (const m of group) {
        const e = registry.get(m)!;
        if (!picked.includes(e)) picked.push(e);
      }
      continue;
    }
    const e = registry.get(n);
    if (!e)
      throw new UsageError(
        `run: unknown scenario '${n}'; known: ${known.join(", ") || "none"} (or 'all')`,
      );
    if (!picked.includes(e)) picked.push(e);
  }
  return picked;
}

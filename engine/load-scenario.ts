import { UsageError } from "../core/errors.ts";
import type { Scenario } from "./scenario.ts";

/**
 * Imports a scenario module by file URL (the same way in the main thread and
 * in worker threads). The module exports the scenario as `default` or as
 * `scenario`.
 */
export async function loadScenario(url: string): Promise<Scenario> {
  const mod = (await import(url)) as { default?: unknown; scenario?: unknown };
  const s = (mod.default ?? mod.scenario) as Partial<Scenario> | undefined;
  if (
    !s ||
    typeof s.name !== "string" ||
    typeof s.setup !== "function" ||
    typeof s.sample !== "function" ||
    typeof s.operation !== "function"
  ) {
    throw new UsageError(
      `${url} does not export a scenario (default export with name, setup, sample, operation)`,
    );
  }
  return s as Scenario;
}

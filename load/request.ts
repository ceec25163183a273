import { UsageError } from "../core/errors.ts";
import { resolveScale, type ScaleConfig } from "../generators/index.ts";

/**
 * A load request, validated: the scale configuration and the label the
 * markers record (the preset name, plus any row overrides in a canonical
 * order, e.g. `tiny+follows=2000,users=800`), so "the same data" is a string
 * comparison.
 */
export interface ScaleRequest {
  scale: string;
  seed?: number | string;
  /** expected row counts per table, e.g. { users: 1000 } */
  rows?: Record<string, number | string>;
}

export interface ResolvedRequest {
  config: ScaleConfig;
  label: string;
}

export function resolveRequest(req: ScaleRequest): ResolvedRequest {
  if (typeof req.seed === "number" && !Number.isInteger(req.seed)) {
    throw new UsageError(
      `--seed ${req.seed} is not a whole number; write it like --seed 42 (0 to 4294967295)`,
    );
  }
  const config = resolveScale({ scale: req.scale, seed: req.seed, overrides: req.rows });
  const rows = Object.entries(req.rows ?? {})
    .map(([t, n]) => [t, Number(n)] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  const label =
    rows.length === 0
      ? config.scale
      : `${config.scale}+${rows.map(([t, n]) => `${t}=${n}`).join(",")}`;
  return { config, label };
}

/** The data's "now": the end of the generated created_at window, as ISO text. */
export function dataNowIso(config: ScaleConfig): string {
  return new Date(config.epochMs).toISOString();
}

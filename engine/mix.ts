import { UsageError } from "../core/errors.ts";

/**
 * A mixed workload: scenarios run at the same time, each at its weight's share
 * of the total rate (`run --mix 'best-dishes=60,profile=20,rank-dish=15,follow=5' --rate 200`).
 * Each scenario keeps its own figures in the result.
 */
export interface MixPart {
  name: string;
  weight: number;
}

/** Presets: `read-heavy` is 95% reads / 5% writes, `balanced` 50/50. */
export const MIX_PRESETS: Record<string, string> = {
  "read-heavy": "best-dishes=60,profile=25,leaderboards-pg=10,rank-dish=3,follow=2",
  balanced: "best-dishes=30,profile=20,rank-dish=25,follow=10,review=10,comment=5",
};

/** The total rate of a mix when --rate is not given, operations per second. */
export const DEFAULT_MIX_RATE = 200;

const EXAMPLE = "bellyfed-bench run --mix 'best-dishes=60,profile=20,rank-dish=15,follow=5'";

/** `--mix TEXT` (a preset name or NAME=WEIGHT,...) → parts; every mistake is one UsageError line. */
export function parseMix(text: string, known: readonly string[]): MixPart[] {
  const spec = MIX_PRESETS[text.trim()] ?? text;
  const items = spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0)
    throw new UsageError(
      `--mix is empty: name scenarios with weights or a preset (${Object.keys(MIX_PRESETS).join(", ")}), e.g. ${EXAMPLE}`,
    );
  const parts: MixPart[] = [];
  for (const item of items) {
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(item);
    if (!m) throw new UsageError(`--mix '${item}' is not NAME=WEIGHT; write it like ${EXAMPLE}`);
    const [, name, w] = m;
    if (!known.includes(name))
      throw new UsageError(
        `--mix names an unknown scenario '${name}'; use one of ${known.join(", ")} (bellyfed-bench run --help)`,
      );
    const weight = /^\d+(\.\d+)?$/.test(w) ? Number(w) : Number.NaN;
    if (!(weight > 0))
      throw new UsageError(
        `--mix weight '${w}' of ${name} is not a positive number; write it like ${name}=10`,
      );
    if (parts.some((p) => p.name === name))
      throw new UsageError(`--mix names ${name} twice; give each scenario one weight`);
    parts.push({ name, weight });
  }
  return parts;
}

/** Each part's rate: its weight's share of `total` operations per second. */
export function mixRates(parts: readonly MixPart[], total: number): Map<string, number> {
  const sum = parts.reduce((a, p) => a + p.weight, 0);
  return new Map(parts.map((p) => [p.name, (total * p.weight) / sum]));
}

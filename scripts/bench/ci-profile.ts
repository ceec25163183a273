/**
 * What the CI profile (scripts/bench/ci.ts, `npm run bench:ci`) runs: every
 * registered scenario (`all`: the access patterns and the index probes),
 * judged against the loose CI targets.
 */
export const CI_TARGETS = "scenarios/targets.ci.json";

/** The scenarios the CI profile runs, as `run` names them. */
export const CI_SCENARIOS = ["all"];

/** The `run` arguments of one CI run. */
export function ciRunArgs(o: { scale: string; duration: string; out: string }): string[] {
  return [
    "run",
    ...CI_SCENARIOS,
    "--scale",
    o.scale,
    "--duration",
    o.duration,
    "--warmup",
    "1s",
    "--targets",
    CI_TARGETS,
    "--quiet",
    "--out",
    o.out,
  ];
}

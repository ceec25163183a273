import type { ConcurrencyStep, Knee, RateStep, UslFit } from "./types.ts";

/** The sweep's progress lines: one per step, fit and knee. */
const n = (v: number) =>
  v >= 100 ? Math.round(v).toLocaleString("en-US") : v >= 10 ? v.toFixed(1) : v.toFixed(2);
const ms = (v: number) => `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ms`;

export function concurrencyLine(name: string, s: ConcurrencyStep): string {
  return `${name}  closed ${String(s.connections).padStart(3)} conn  ${n(s.throughput).padStart(7)} ops/s  p50 ${ms(s.latencyMs.p50)}  p99 ${ms(s.latencyMs.p99)}${s.errors ? `  ${s.errors} errors` : ""}`;
}

export function fitLine(name: string, f: UslFit): string {
  const figures = `sigma ${f.sigma.toPrecision(3)}  kappa ${f.kappa.toPrecision(3)}  lambda ${n(f.lambda)} ops/s  N* ${f.nStar === null ? "none (kappa 0)" : n(f.nStar)}  X_max ${f.xMax === null ? "-" : `${n(f.xMax)} ops/s`}  R^2 ${(Math.floor(f.r2 * 1000) / 1000).toFixed(3)}`;
  const how = `${f.converged ? "converged" : "not converged"}, ${f.iterations} iterations`;
  return f.good
    ? `${name}  USL fit: ${figures} (${how})`
    : `${name}  USL fit NOT GOOD: ${f.reason} (${figures}; ${how})`;
}

export function rateLine(name: string, s: RateStep): string {
  const verdict = s.passed ? "ok" : `FAIL ${s.failed.join("; ")}`;
  return `${name}  open ${n(s.rate).padStart(7)}/s${s.retry ? " (again)" : s.drill ? " (drill)" : "        "}  ${n(s.throughput).padStart(7)} ops/s  p99 ${ms(s.latencyMs.p99)}  dropped ${(s.droppedShare * 100).toFixed(1)}%  ${verdict}${s.aborted ? ` (stopped at ${s.durationS} s)` : ""}`;
}

export function kneeLine(name: string, k: Knee | null): string {
  if (!k) return `${name}  knee: none (the first rate already broke a target)`;
  return `${name}  KNEE ${n(k.throughput)} ops/s at ${n(k.rate)}/s, p99 ${ms(k.latencyP99Ms)}; above it ${k.limitedBy}${k.caveat ? `\n${name}  note: ${k.caveat}` : ""}`;
}

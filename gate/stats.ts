/**
 * The statistics behind the baseline comparison: the Mann-Whitney U test and
 * a bootstrap confidence interval on the ratio of medians. Pure functions on
 * plain arrays; deterministic for a seed (the engine's seeded generator,
 * engine/rng.ts; the median is core/median.ts).
 */
import { median } from "../core/median.ts";
import { createRng } from "../core/rng.ts";

/** A 32-bit FNV-1a hash, to derive one independent seed per scenario and metric. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The standard normal CDF (Abramowitz & Stegun 7.1.26 erf, absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

export interface MannWhitney {
  /** U statistic of the first sample */
  u: number;
  /** one-sided p-value for "the first sample tends to be larger than the second" */
  pGreater: number;
  /** one-sided p-value for "the first sample tends to be smaller than the second" */
  pLess: number;
  method: "exact" | "normal";
}

/**
 * Mann-Whitney U test of x against y. Exact distribution for small samples
 * without ties (n1 + n2 <= 40); otherwise the normal approximation with tie
 * correction and continuity correction.
 */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: 0, pGreater: 1, pLess: 1, method: "normal" };
  const all: Array<{ v: number; g: 0 | 1 }> = [];
  for (let i = 0; i < n1; i++) all.push({ v: x[i], g: 0 });
  for (let i = 0; i < n2; i++) all.push({ v: y[i], g: 1 });
  all.sort((a, b) => a.v - b.v);
  const n = n1 + n2;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1].v === all[i].v) j++;
    const rank = (i + j + 2) / 2; // ranks are 1-based; ties get the mean rank
    const t = j - i + 1;
    if (t > 1) tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k].g === 0) rankSumX += rank;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  if (tieTerm === 0 && n <= 40) {
    const dist = exactUDistribution(n1, n2);
    let total = 0;
    for (const c of dist) total += c;
    let atLeast = 0;
    for (let k = Math.ceil(u); k < dist.length; k++) atLeast += dist[k];
    let atMost = 0;
    for (let k = 0; k <= Math.floor(u); k++) atMost += dist[k];
    return { u, pGreater: atLeast / total, pLess: atMost / total, method: "exact" };
  }
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, pGreater: 1, pLess: 1, method: "normal" };
  const sd = Math.sqrt(variance);
  const pGreater = 1 - normalCdf((u - mean - 0.5) / sd);
  const pLess = normalCdf((u - mean + 0.5) / sd);
  return { u, pGreater, pLess, method: "normal" };
}

/** Number of arrangements giving each value of U, for sample sizes m and n (no ties). */
function exactUDistribution(m: number, n: number): number[] {
  // f[i][j] is the distribution for sizes i and j; f(i,j,u) = f(i-1,j,u-j) + f(i,j-1,u)
  let prev: number[][] = [];
  for (let j = 0; j <= n; j++) prev.push([1]);
  for (let i = 1; i <= m; i++) {
    const cur: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const size = i * j + 1;
      const d = new Array<number>(size).fill(0);
      const a = prev[j]; // (i-1, j), shifted by j
      for (let k = 0; k < a.length; k++) d[k + j] += a[k];
      const b = cur[j - 1]; // (i, j-1)
      for (let k = 0; k < b.length; k++) d[k] += b[k];
      cur.push(d);
    }
    prev = cur;
  }
  return prev[n];
}

export type Statistic = "median" | "mean";

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

export interface BootstrapInterval {
  /** the ratio of the statistic of the observed samples, e.g. median(current) / median(baseline) */
  ratio: number;
  low: number;
  high: number;
  resamples: number;
}

/**
 * Percentile bootstrap interval for stat(current) / stat(baseline), where
 * stat is the median (latency percentiles) or the mean (operations per
 * second: their mean is the throughput).
 * Each side is a list of groups (one group per run, holding its per-second
 * samples). With two or more runs on a side the resampling is two-level: runs
 * with replacement, then seconds within each drawn run, so the run-to-run
 * spread counts; with one run, seconds are resampled.
 */
export function bootstrapRatioOfMedians(
  baseline: number[][],
  current: number[][],
  opts: { confidence: number; resamples: number; seed: number; statistic?: Statistic },
): BootstrapInterval {
  const stat = opts.statistic === "mean" ? mean : median;
  const ratio = stat(current.flat()) / stat(baseline.flat());
  const rng = createRng(opts.seed);
  const random = () => rng.next();
  const ratios = new Float64Array(opts.resamples);
  const bufB = new Float64Array(countAll(baseline));
  const bufC = new Float64Array(countAll(current));
  for (let r = 0; r < opts.resamples; r++) {
    const mb = resampleStatistic(baseline, bufB, random, stat);
    const mc = resampleStatistic(current, bufC, random, stat);
    ratios[r] = mb === 0 ? (mc === 0 ? 1 : Number.POSITIVE_INFINITY) : mc / mb;
  }
  ratios.sort();
  const alpha = 1 - opts.confidence;
  return {
    ratio,
    low: quantileSorted(ratios, alpha / 2),
    high: quantileSorted(ratios, 1 - alpha / 2),
    resamples: opts.resamples,
  };
}

function countAll(groups: number[][]): number {
  let n = 0;
  for (const g of groups) n += g.length;
  return n;
}

/** Draws one bootstrap sample into buf (same total size as the data) and returns its statistic. */
function resampleStatistic(
  groups: number[][],
  buf: Float64Array,
  random: () => number,
  stat: (values: ArrayLike<number>) => number,
): number {
  let filled = 0;
  if (groups.length === 1) {
    const g = groups[0];
    for (let i = 0; i < g.length; i++) buf[filled++] = g[Math.floor(random() * g.length)];
  } else {
    while (filled < buf.length) {
      const g = groups[Math.floor(random() * groups.length)];
      for (let i = 0; i < g.length && filled < buf.length; i++) {
        buf[filled++] = g[Math.floor(random() * g.length)];
      }
    }
  }
  return stat(buf.subarray(0, filled));
}

/** Linear-interpolated quantile of sorted values, q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

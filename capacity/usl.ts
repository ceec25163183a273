import { levenbergMarquardt } from "ml-levenberg-marquardt";
import type { UslFit } from "./types.ts";

/**
 * The Universal Scalability Law (Gunther): throughput at concurrency N is
 *
 *   X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
 *
 * sigma is contention (queueing for a shared resource), kappa coherency
 * (crosstalk: the cost of keeping shared state consistent, which makes
 * throughput fall past a peak), lambda the throughput of one worker. The peak
 * is at N* = sqrt((1 - sigma) / kappa).
 *
 * Fitted by least squares with ml-levenberg-marquardt (analytic Jacobian, on
 * throughput scaled to its largest value so the residuals are of order one).
 * That library stops when the squared error falls below a tolerance, which
 * measured data never does: it runs to its iteration limit. So convergence is
 * checked here: the fit runs in rounds, each from the previous round's
 * parameters, and has converged when a round no longer moves the parameters
 * or the error (relative change below 1e-9); it has not when the rounds run
 * out first. A search that stalls (every step would leave sigma, kappa >= 0)
 * is stable too, so convergence also asks that the squared error's gradient
 * vanish (but for a parameter held at 0 that would go negative). It starts
 * from usl4j's start and three others, and where none converges from kappa
 * held at 0 (Amdahl's law); the best converged fit wins.
 */
export interface UslPoint {
  concurrency: number;
  throughput: number;
}

/** The fit is a fact only with this many points, this R^2, and convergence. */
export const USL_MIN_POINTS = 5;
export const USL_MIN_R2 = 0.9;

const ROUND_ITERATIONS = 200;
const MAX_ROUNDS = 50;
const STILL = 1e-9;

export function uslThroughput(fit: Pick<UslFit, "sigma" | "kappa" | "lambda">, n: number): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

export function fitUsl(points: UslPoint[]): UslFit {
  const usable = points.filter(
    (p) => Number.isFinite(p.concurrency) && p.concurrency > 0 && Number.isFinite(p.throughput),
  );
  if (usable.length < 3)
    return unfit(usable.length, `only ${usable.length} points: 3 parameters need at least 3`);
  const x = usable.map((p) => p.concurrency);
  const top = Math.max(...usable.map((p) => p.throughput));
  if (!(top > 0)) return unfit(usable.length, "no throughput measured");
  const y = usable.map((p) => p.throughput / top);
  // usl4j's start: sigma 0.1, kappa 0.01, lambda the best throughput per worker
  const lambda0 = Math.max(...usable.map((p) => p.throughput / p.concurrency)) / top;
  const model =
    ([s, k, l]: number[]) =>
    (n: number) =>
      (l * n) / (1 + s * (n - 1) + k * n * (n - 1));
  const jacobian =
    ([s, k, l]: number[]) =>
    (n: number) => {
      const d = 1 + s * (n - 1) + k * n * (n - 1);
      const f = (l * n) / (d * d);
      return [-f * (n - 1), -f * n * (n - 1), n / d];
    };
  // usl4j's start first, then others: from one start the bounded search can stall where
  // every step leaves the bounds; the best stationary fit wins
  const starts = [
    [0.1, 0.01, lambda0],
    [0.01, 0.0001, lambda0],
    [0.3, 0.001, lambda0],
    [0.5, 0, lambda0],
  ];
  const fits = starts.map((start) => fitFrom(x, y, start, model, jacobian));
  const pick = (list: typeof fits) =>
    list.length === 0 ? undefined : list.reduce((a, b) => (b.error < a.error ? b : a));
  // where the search stalls against kappa >= 0, the fit with kappa held at 0 (Amdahl's law,
  // sigma and lambda only) says whether kappa would rather be negative
  if (!fits.some((f) => f.converged)) {
    const amdahl = fitFrom(
      x,
      y,
      [0.1, lambda0],
      ([s, l]) => model([s, 0, l]),
      ([s, l]) =>
        (n) => {
          const d = jacobian([s, 0, l])(n);
          return [d[0], d[2]];
        },
    );
    const [s, l] = amdahl.params;
    fits.push({ ...amdahl, params: [s, 0, l] });
  }
  const best = pick(fits.filter((f) => f.converged)) ?? pick(fits)!;
  const { params, error, converged } = best;
  const iterations = fits.reduce((sum, f) => sum + f.iterations, 0);
  const outward = converged ? pushedOut(x, y, params, model, jacobian) : [];
  const [sigma, kappa, scaledLambda] = params;
  const lambda = scaledLambda * top;
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const sst = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  const r2 = sst > 0 ? 1 - error / sst : 0;
  const nStar = kappa > 0 && sigma < 1 ? Math.sqrt((1 - sigma) / kappa) : null;
  const fit: UslFit = {
    sigma,
    kappa,
    lambda,
    nStar,
    xMax: nStar === null ? null : uslThroughput({ sigma, kappa, lambda }, nStar),
    r2,
    converged,
    iterations,
    good: true,
  };
  const reason = judge(fit, usable.length, outward);
  if (reason) {
    fit.good = false;
    fit.reason = reason;
  }
  return fit;
}

/** Why a fit's numbers are not facts, or undefined when they are. */
function judge(fit: UslFit, points: number, outward: number[]): string | undefined {
  if (!fit.converged)
    return `did not converge in ${fit.iterations} iterations: the parameters still moved`;
  if (points < USL_MIN_POINTS)
    return `only ${points} concurrency steps: at least ${USL_MIN_POINTS} are needed to trust 3 parameters`;
  // kappa held at 0 is Amdahl's law: a fact when it fits closely, else the curve bends upward
  if (outward.length > 0 && !(fit.r2 >= 0.98))
    return `${outward.includes(1) ? "coherency kappa" : "contention sigma"} would be negative (held at 0): throughput grows faster than linearly with connections, which the USL does not describe (a warming cache, or a client-bound first step)`;
  if (fit.sigma > 0.8)
    return `contention sigma ${fit.sigma.toFixed(2)}: throughput barely grows with connections, a limit is reached at one (where client and server share cores, often the load generator's)`;
  if (!(fit.r2 >= USL_MIN_R2))
    return `poor fit: R^2 ${(Math.floor(fit.r2 * 1000) / 1000).toFixed(3)} < ${USL_MIN_R2}, the throughput does not follow the USL's curve`;
  return undefined;
}

/**
 * Levenberg-Marquardt in rounds from `start` (sigma and kappa kept >= 0): converged
 * when a round moves neither the parameters nor the error and the squared error's
 * gradient vanishes, but for parameters held at 0 that would go negative.
 */
function fitFrom(
  x: number[],
  y: number[],
  start: number[],
  model: Model,
  jacobian: Jacobian,
): { params: number[]; error: number; iterations: number; converged: boolean } {
  let params = start;
  let error = sse(x, y, model(params));
  let iterations = 0;
  let converged = false;
  for (let round = 0; round < MAX_ROUNDS && !converged; round++) {
    const r = levenbergMarquardt({ x, y }, model, {
      initialValues: params,
      jacobianFunction: jacobian,
      maxIterations: ROUND_ITERATIONS,
      errorTolerance: 0,
      minValues: start.map(() => 0),
      maxValues: start.map((_, k) => (k === start.length - 1 ? 1e6 : 1)),
    });
    iterations += r.iterations;
    const next = r.parameterValues;
    const nextError = sse(x, y, model(next));
    const moved = Math.max(
      ...next.map((v, i) => Math.abs(v - params[i]) / Math.max(Math.abs(v), 1e-12)),
    );
    const better = Math.abs(error - nextError) / Math.max(error, 1e-300);
    converged = round > 0 && moved < STILL && better < STILL;
    if (nextError <= error) {
      params = next;
      error = nextError;
    }
  }
  // stable rounds are not enough: a search stalled where no step improves is stable too
  if (converged) {
    const g = halfGradient(x, y, params, model, jacobian);
    converged = g.every(
      (v, k) =>
        (params[k] <= 1e-12 && v < 0) || Math.abs(v) * Math.max(Math.abs(params[k]), 1e-6) < 1e-8,
    );
  }
  return { params, error, iterations, converged };
}

type Model = (p: number[]) => (n: number) => number;
type Jacobian = (p: number[]) => (n: number) => number[];

/** minus half the squared error's gradient: sum of residual x derivative, per parameter */
function halfGradient(x: number[], y: number[], p: number[], model: Model, jacobian: Jacobian) {
  const f = model(p);
  const j = jacobian(p);
  const g = p.map(() => 0);
  for (let i = 0; i < x.length; i++) {
    const r = y[i] - f(x[i]);
    const d = j(x[i]);
    for (let k = 0; k < p.length; k++) g[k] += r * d[k];
  }
  return g;
}

/** The parameters held at 0 that the data would push below it (sigma 0, kappa 1). */
function pushedOut(x: number[], y: number[], p: number[], model: Model, jacobian: Jacobian) {
  const g = halfGradient(x, y, p, model, jacobian);
  return [0, 1].filter((k) => p[k] <= 1e-12 && g[k] < -1e-8);
}

function sse(x: number[], y: number[], f: (n: number) => number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (y[i] - f(x[i])) ** 2;
  return s;
}

function unfit(points: number, reason: string): UslFit {
  return {
    sigma: 0,
    kappa: 0,
    lambda: 0,
    nStar: null,
    xMax: null,
    r2: 0,
    converged: false,
    iterations: 0,
    good: false,
    reason: points === 0 ? "no concurrency steps measured" : reason,
  };
}

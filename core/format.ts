/**
 * Numbers as every command prints them: thousands separators, and latencies
 * with three significant digits (1,556 ms, 15.6 ms, 1.56 ms), as the run
 * summary shows them.
 */

/** A number with `digits` decimals and thousands separators: 33,500 or 4,375,105.4. */
export function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Milliseconds with three significant digits (no fewer than two decimals under 10): 1,556 ms. */
export function millis(v: number): string {
  if (!Number.isFinite(v)) return `${v} ms`;
  const a = Math.abs(v);
  return `${num(v, a >= 100 ? 0 : a >= 10 ? 1 : 2)} ms`;
}

/** "1 index", "3 indexes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

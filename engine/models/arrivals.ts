/**
 * When the k-th arrival of an open model is due: a piecewise-linear rate
 * (operations per second) over segments, integrated exactly. Each intended
 * start is computed from the start of the run (t0 + offset(k)), never from
 * the previous start, so the schedule cannot drift.
 *
 * In a segment of D seconds whose rate goes linearly from r0 to r1, the
 * arrivals by time t are n(t) = r0 t + (r1 - r0) t^2 / (2D); the k-th arrival
 * is at the t that solves n(t) = k + phase, i.e.
 * t = 2m / (r0 + sqrt(r0^2 + 4am)) with a = (r1 - r0) / (2D), which is
 * stable for a = 0 (constant rate) and for ramps down.
 *
 * `phase` (0 <= phase < 1) shifts this generator's arrivals: worker i of N
 * runs rate/N with phase i/N, so the N workers' arrivals interleave into
 * exactly the single-generator schedule.
 */
export interface RateSegment {
  /** seconds; Infinity for an open-ended constant rate (bounded by iterations) */
  durationS: number;
  /** operations per second at the start and at the end of the segment */
  from: number;
  to: number;
}

export class ArrivalSchedule {
  private seg = 0;
  /** arrivals before the current segment, and the segment's start in seconds */
  private before = 0;
  private segStartS = 0;
  private readonly counts: number[];

  constructor(
    private readonly segments: RateSegment[],
    private readonly phase = 0,
  ) {
    this.counts = segments.map((s) =>
      s.durationS === Number.POSITIVE_INFINITY
        ? s.from > 0
          ? Number.POSITIVE_INFINITY
          : 0
        : ((s.from + s.to) / 2) * s.durationS,
    );
  }

  /** microseconds after t0 at which arrival k (0-based, non-decreasing calls) is due; Infinity when none */
  offsetUs(k: number): number {
    const n = k + this.phase;
    while (this.seg < this.segments.length && n >= this.before + this.counts[this.seg]) {
      this.before += this.counts[this.seg];
      this.segStartS += this.segments[this.seg].durationS;
      this.seg++;
    }
    if (this.seg >= this.segments.length) return Number.POSITIVE_INFINITY;
    const s = this.segments[this.seg];
    const m = n - this.before;
    const r0 = s.from;
    const a = s.durationS === Number.POSITIVE_INFINITY ? 0 : (s.to - r0) / (2 * s.durationS);
    const denom = r0 + Math.sqrt(r0 * r0 + 4 * a * m);
    const t = denom > 0 ? (2 * m) / denom : 0;
    return (this.segStartS + t) * 1e6;
  }

  /**
   * How many arrivals are due strictly before `offsetUs` (stateless; for
   * counting in bulk the arrivals that cannot start): the k with
   * n(offset(k)) = k + phase < n(offsetUs), i.e. ceil(n(offsetUs) - phase).
   */
  countBefore(offsetUs: number): number {
    const t = offsetUs / 1e6;
    let before = 0;
    let startS = 0;
    for (let i = 0; i < this.segments.length; i++) {
      const s = this.segments[i];
      if (t >= startS + s.durationS) {
        before += this.counts[i];
        startS += s.durationS;
        continue;
      }
      const x = t - startS;
      const a = s.durationS === Number.POSITIVE_INFINITY ? 0 : (s.to - s.from) / (2 * s.durationS);
      before += s.from * x + a * x * x;
      break;
    }
    return Math.max(0, Math.ceil(before - this.phase - 1e-9));
  }
}

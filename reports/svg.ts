/**
 * Inline SVG charts for the HTML report, generated here (no chart library, no
 * CDN). Every text taken from data is escaped.
 */
import { escapeHtml as e } from "./escape.ts";

export interface Series {
  label: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
  /** fill the area under the line */
  area?: boolean;
}

export interface Axis {
  label: string;
  format?: (v: number) => string;
  /** fixed ticks (value and label), e.g. for the percentile axis */
  ticks?: Array<[number, string]>;
  min?: number;
  max?: number;
  /**
   * logarithmic (y; on x for user counts from 100k to 10M): one slow outlier (an 880 ms baseline second) does not press
   * the other lines flat against zero. Values at or below zero are drawn on
   * the bottom of the frame.
   */
  log?: boolean;
}

export interface LineChartOptions {
  id: string;
  title: string;
  series: Series[];
  x: Axis;
  y: Axis;
  width?: number;
  height?: number;
}

/**
 * The plot's margins inside the SVG. The title and the legend are HTML
 * (a <figcaption> that wraps), so no estimate of text width can make them
 * overlap each other or the plot.
 */
const MARGIN = { top: 10, right: 16, bottom: 44, left: 58 };

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step + 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.round(v / step) * step);
  }
  // the last tick covers the maximum, so a line at the maximum is not drawn on the frame
  if (ticks[ticks.length - 1] < max - step * 1e-9) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/**
 * Ticks of a logarithmic axis covering [min, max] (both > 0): 1-2-5 steps
 * over a few decades, 1-3 or whole decades over more, and the first tick at
 * or below min and the last at or above max, so the domain is [first, last].
 */
export function logTicks(min: number, max: number): number[] {
  let lo = min > 0 ? min : 1e-3;
  let hi = max > lo ? max : lo * 1.5;
  if (hi / lo < 1.5) {
    lo /= 1.25;
    hi *= 1.25;
  }
  const span = Math.log10(hi / lo);
  const steps =
    span <= 1 ? [1, 1.5, 2, 3, 5, 7] : span <= 2.5 ? [1, 2, 5] : span <= 5 ? [1, 3] : [1];
  const all: number[] = [];
  for (let d = Math.floor(Math.log10(lo)) - 1; d <= Math.ceil(Math.log10(hi)) + 1; d++)
    for (const m of steps) all.push(Number((m * 10 ** d).toPrecision(6)));
  const first = all.filter((v) => v <= lo * (1 + 1e-9)).pop() ?? all[0];
  const last = all.find((v) => v >= hi * (1 - 1e-9)) ?? all[all.length - 1];
  return all.filter((v) => v >= first && v <= last);
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000 ? `${Math.round(v / 100) / 10}k` : `${Math.round(v * 1000) / 1000}`;

function extent(series: Series[], i: 0 | 1, positive = false): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series)
    for (const p of s.points) {
      if (!Number.isFinite(p[i]) || (positive && !(p[i] > 0))) continue;
      lo = Math.min(lo, p[i]);
      hi = Math.max(hi, p[i]);
    }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** The legend: one HTML list item per series, with a line swatch drawn like the series. */
function legend(series: Series[]): string {
  return `<ul class="legend">${series
    .map(
      (s) =>
        `<li><svg viewBox="0 0 18 6" aria-hidden="true"><line x1="0" y1="3" x2="18" y2="3" stroke="${e(s.color)}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/></svg>${e(s.label)}</li>`,
    )
    .join("")}</ul>`;
}

function figure(id: string, title: string, caption: string, svg: string): string {
  return `<figure class="chart" data-figure="${e(id)}"><figcaption><span class="chart-title">${e(title)}</span>${caption}</figcaption>${svg}</figure>`;
}

function empty(id: string, title: string, width: number, height: number, text: string): string {
  return figure(
    id,
    title,
    "",
    `<svg class="chart" data-chart="${e(id)}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(title)}"><text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="tick">${e(text)}</text></svg>`,
  );
}

export function lineChart(opts: LineChartOptions): string {
  const width = opts.width ?? 580;
  const height = opts.height ?? 240;
  const series = opts.series.filter((s) => s.points.length > 0);
  if (series.length === 0) return empty(opts.id, opts.title, width, height, "no data");
  let xMin: number;
  let xMax: number;
  let xLogTicks: number[] | null = null;
  if (opts.x.log) {
    const [lo, hi] = extent(series, 0, true);
    xLogTicks = logTicks(lo, hi);
    xMin = xLogTicks[0];
    xMax = xLogTicks[xLogTicks.length - 1];
  } else {
    const [x0, x1raw] = extent(series, 0);
    xMin = opts.x.min ?? x0;
    xMax = opts.x.max ?? (x1raw > xMin ? x1raw : xMin + 1);
  }
  let yTicks: number[];
  let yMin: number;
  let yMax: number;
  if (opts.y.log) {
    const [lo, hi] = extent(series, 1, true);
    yTicks = logTicks(opts.y.min && opts.y.min > 0 ? Math.min(opts.y.min, lo) : lo, hi);
    yMin = yTicks[0];
    yMax = yTicks[yTicks.length - 1];
  } else {
    const [, y1raw] = extent(series, 1);
    yMin = opts.y.min ?? 0;
    yTicks = niceTicks(yMin, Math.max(y1raw, yMin + 1e-9) * 1.05, 5);
    yMax = Math.max(opts.y.max ?? 0, yTicks[yTicks.length - 1], yMin + 1e-9);
  }
  const top = MARGIN.top;
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - top - MARGIN.bottom;
  const sx = xLogTicks
    ? (v: number) =>
        MARGIN.left +
        (v > 0 ? Math.log(Math.min(Math.max(v, xMin), xMax) / xMin) / Math.log(xMax / xMin) : 0) *
          pw
    : (v: number) => MARGIN.left + ((v - xMin) / (xMax - xMin)) * pw;
  const frac = opts.y.log
    ? (v: number) =>
        v > 0 ? Math.log(Math.min(Math.max(v, yMin), yMax) / yMin) / Math.log(yMax / yMin) : 0
    : (v: number) => (Math.min(v, yMax) - yMin) / (yMax - yMin);
  const sy = (v: number) => top + ph - frac(v) * ph;
  const xf = opts.x.format ?? fmt;
  const yf = opts.y.format ?? fmt;
  const xTicks =
    opts.x.ticks ??
    (xLogTicks ?? niceTicks(xMin, xMax, 6)).map((v) => [v, xf(v)] as [number, string]);
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" data-chart="${e(opts.id)}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(opts.title)}">`,
  );
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${width - MARGIN.right}" y2="${y}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${Number(y) + 4}" text-anchor="end" class="tick">${e(yf(t))}</text>`,
    );
  }
  for (const [v, label] of xTicks) {
    if (v < xMin || v > xMax) continue;
    const x = sx(v).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${top + ph}" x2="${x}" y2="${top + ph + 4}" class="axis"/>`,
      `<text x="${x}" y="${top + ph + 17}" text-anchor="middle" class="tick">${e(label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN.left}" y1="${top + ph}" x2="${width - MARGIN.right}" y2="${top + ph}" class="axis"/>`,
    `<text x="${MARGIN.left + pw / 2}" y="${height - 8}" text-anchor="middle" class="axis-label">${e(opts.x.label)}</text>`,
    `<text transform="translate(14 ${top + ph / 2}) rotate(-90)" text-anchor="middle" class="axis-label">${e(opts.y.label)}</text>`,
  );
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (pts.length === 0) continue;
    const d = pts
      .map((p, i) => `${i === 0 ? "M" : "L"}${sx(p[0]).toFixed(1)} ${sy(p[1]).toFixed(1)}`)
      .join(" ");
    if (s.area) {
      const base = (top + ph).toFixed(1);
      const area = `${d} L${sx(pts[pts.length - 1][0]).toFixed(1)} ${base} L${sx(pts[0][0]).toFixed(1)} ${base} Z`;
      parts.push(`<path d="${area}" fill="${e(s.color)}" fill-opacity="0.12" stroke="none"/>`);
    }
    parts.push(
      `<path class="series" d="${d}" fill="none" stroke="${e(s.color)}" stroke-width="2" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="5 3"' : ""}><title>${e(s.label)}</title></path>`,
    );
    if (pts.length === 1) {
      parts.push(
        `<circle cx="${sx(pts[0][0]).toFixed(1)}" cy="${sy(pts[0][1]).toFixed(1)}" r="3" fill="${e(s.color)}"/>`,
      );
    }
  }
  parts.push("</svg>");
  return figure(opts.id, opts.title, legend(series), parts.join(""));
}

export interface ForestRow {
  label: string;
  /** change as a fraction: ratio - 1 */
  value: number;
  low: number;
  high: number;
  color: string;
  note: string;
}

/**
 * The baseline comparison: each metric's change with its confidence interval,
 * the tolerance band shaded, zero marked.
 */
export function forestPlot(opts: {
  id: string;
  title: string;
  rows: ForestRow[];
  tolerance: number;
  width?: number;
}): string {
  const width = opts.width ?? 580;
  const rowH = 34;
  const top = 16;
  const left = 96;
  const right = 200;
  const height = top + opts.rows.length * rowH + 30;
  const rows = opts.rows.filter((r) => Number.isFinite(r.value));
  if (rows.length === 0) return empty(opts.id, opts.title, width, 120, "no comparison");
  const finite = rows.flatMap((r) => [r.low, r.high, r.value].filter(Number.isFinite));
  const range = niceTicks(
    Math.min(-opts.tolerance * 2, ...finite),
    Math.max(opts.tolerance * 2, ...finite),
    5,
  );
  const lo = range[0];
  const hi = range[range.length - 1];
  const pw = width - left - right;
  const sx = (v: number) => left + ((Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo)) * pw;
  const bottom = top + opts.rows.length * rowH;
  const parts = [
    `<svg class="chart" data-chart="${e(opts.id)}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${e(opts.title)}">`,
    `<rect x="${sx(-opts.tolerance).toFixed(1)}" y="${top - 6}" width="${(sx(opts.tolerance) - sx(-opts.tolerance)).toFixed(1)}" height="${bottom - top + 6}" class="band"><title>tolerance ±${Math.round(opts.tolerance * 100)}%</title></rect>`,
  ];
  for (const t of range) {
    const x = sx(t).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${bottom}" class="${t === 0 ? "zero" : "grid"}"/>`,
      `<text x="${x}" y="${bottom + 16}" text-anchor="middle" class="tick">${t > 0 ? "+" : ""}${Math.round(t * 100)}%</text>`,
    );
  }
  opts.rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2 - 4;
    parts.push(
      `<text x="${left - 10}" y="${y + 4}" text-anchor="end" class="row-label">${e(r.label)}</text>`,
    );
    // an interval of zero width (e.g. a fixed-rate throughput) is shown by its dot alone
    if (Number.isFinite(r.low) && Number.isFinite(r.high) && sx(r.high) - sx(r.low) >= 0.5) {
      parts.push(
        `<path class="series" d="M${sx(r.low).toFixed(1)} ${y} L${sx(r.high).toFixed(1)} ${y}" stroke="${e(r.color)}" stroke-width="3" stroke-linecap="round"/>`,
      );
    }
    if (Number.isFinite(r.value)) {
      parts.push(
        `<circle cx="${sx(r.value).toFixed(1)}" cy="${y}" r="5.5" fill="${e(r.color)}"><title>${e(r.note)}</title></circle>`,
      );
    }
    parts.push(`<text x="${width - right + 12}" y="${y + 4}" class="row-note">${e(r.note)}</text>`);
  });
  parts.push("</svg>");
  return figure(opts.id, opts.title, "", parts.join(""));
}

/**
 * A line chart as a standalone SVG document (for a README or a slide): the
 * title and the legend drawn in the SVG, the reports' chart styles inline, no
 * external resource.
 */
export function lineChartDocument(opts: LineChartOptions): string {
  const width = opts.width ?? 580;
  const height = opts.height ?? 240;
  const inner = /<svg class="chart"[\s\S]*<\/svg>/.exec(lineChart(opts))?.[0] ?? "";
  const series = opts.series.filter((s) => s.points.length > 0);
  const rows: string[] = [];
  let x = 10;
  let y = 40;
  for (const s of series) {
    const w = 40 + s.label.length * 7;
    if (x + w > width - 10) {
      x = 10;
      y += 16;
    }
    rows.push(
      `<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${e(s.color)}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/><text x="${x + 23}" y="${y}" class="legend">${e(s.label)}</text>`,
    );
    x += w;
  }
  const top = y + 10;
  const body = inner.replace(
    /^<svg class="chart"/,
    `<svg x="0" y="${top}" width="${width}" height="${height}"`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${top + height}" width="${width}" height="${top + height}" role="img" aria-label="${e(opts.title)}">
<style>text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}.title{font-size:13px;font-weight:600;fill:#1d2330}.legend,.tick,.axis-label{font-size:11px;fill:#5b6475}.grid{stroke:#e3e7ee;stroke-width:1}.axis{stroke:#aab2c0;stroke-width:1}</style>
<title>${e(opts.title)}</title>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="18" class="title">${e(opts.title)}</text>
${rows.join("\n")}
${body}
</svg>
`;
}

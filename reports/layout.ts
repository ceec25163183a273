/**
 * The one page layout and style of every HTML report (gate, tune): a
 * self-contained page with inline CSS only, no script, no external resource
 * (a Content-Security-Policy forbids any fetch), so it works offline and as a
 * CI artifact. Nothing in a report is wider than the page: tables wrap their
 * cells, SQL and plans wrap their lines, charts scale to their column.
 */
import { escapeHtml as e } from "./escape.ts";

export const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e3e7ee;--bg:#f6f7fa;--card:#fff;--ok:#1f9d6b;--bad:#d6336c;--good:#1f7bd6;--warn:#b54708;--code-bg:#f3f5f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:0}
h3{font-size:15px;margin:16px 0 4px}
.muted{color:var(--muted)}
.top{display:flex;align-items:center;gap:14px;margin-bottom:6px;flex-wrap:wrap}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em;border:1px solid;white-space:nowrap}
.badge.ok{color:var(--ok);border-color:var(--ok);background:#e9f7f1}
.badge.good{color:var(--good);border-color:var(--good);background:#e8f1fc}
.badge.bad{color:var(--bad);border-color:var(--bad);background:#fcebf1}
.badge.warn{color:var(--warn);border-color:var(--warn);background:#fef4e6}
.badge.low{color:var(--muted);border-color:#aab2c0;background:#f3f5f9}
.card,.scenario{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:16px 0;min-width:0}
.scenario header,.card header{display:flex;align-items:center;gap:12px;margin-bottom:4px;flex-wrap:wrap}
table.data{border-collapse:collapse;width:100%;margin:12px 0}
table.data th,table.data td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.data th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
table.data .num{text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:normal;white-space:nowrap}
table.data.dense th,table.data.dense td{padding:5px 6px;font-size:12.5px}
table.data.dense th{font-size:11px}
table.data.auto{width:auto;min-width:40%}
table.data.auto th,table.data.auto td{padding-left:14px}
tr.fail td{background:#fdf2f6}
tr.fail td:last-child{color:var(--bad);font-weight:600}
tr.pass td:last-child{color:var(--ok)}
tr.better td{background:#eef6fd}
tr.client td{background:#fef4e6}
a{color:#2f6fdf;text-decoration:none}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
pre{font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;background:var(--code-bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:6px 0;white-space:pre-wrap;overflow-wrap:anywhere}
pre.sql{user-select:all;-webkit-user-select:all;border-left:3px solid var(--good)}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(96px,1fr));gap:8px;margin:12px 0}
.figure{border:1px solid var(--line);border-radius:8px;padding:8px 10px;min-width:0}
.figure-value{font-size:18px;font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
.figure-value small{font-size:11px;font-weight:400;color:var(--muted)}
.figure-label{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.charts{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}
figure.chart{margin:0;border:1px solid var(--line);border-radius:8px;background:#fff;padding:8px 10px 4px;min-width:0}
figure.chart figcaption{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:4px 14px}
.chart-title{font-size:13px;font-weight:600}
ul.legend{display:flex;flex-wrap:wrap;gap:2px 12px;list-style:none;margin:0;padding:0;font-size:11px;color:var(--muted)}
ul.legend li{display:inline-flex;align-items:center;gap:5px;white-space:nowrap}
ul.legend svg{width:18px;height:6px}
svg.chart{display:block;width:100%;height:auto}
svg .tick,svg .row-note{font-size:11px;fill:var(--muted)}
svg .row-label{font-size:12px;fill:var(--fg)}
svg .axis-label{font-size:11px;fill:var(--muted)}
svg .grid{stroke:var(--line);stroke-width:1}
svg .axis{stroke:#aab2c0;stroke-width:1}
svg .zero{stroke:#5b6475;stroke-width:1.2}
svg .band{fill:#eef1f5}
details{margin:6px 0}
details>summary{cursor:pointer}
details.evidence>p{margin:2px 0 4px}
details.errors{margin-top:10px}
dl.meta{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 14px;margin:0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.finding{border-top:1px solid var(--line);padding:10px 0}
.finding:first-of-type{border-top:0}
.finding-head{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px}
.finding-head .kind{font-weight:600}
.finding p{margin:4px 0}
h4{font-size:14px;margin:0 0 4px}
.statement{border-top:1px solid var(--line);padding:10px 0}
table.data th{overflow-wrap:normal}
footer{color:var(--muted);font-size:12px;margin:24px 0}
@media (max-width:900px){.charts{grid-template-columns:minmax(0,1fr)}}
`;

export interface PageOptions {
  /** the document title (the browser tab) */
  title: string;
  /** the page heading */
  heading: string;
  /** a badge beside the heading: its text and class (ok, good, bad, warn) */
  badge?: { text: string; cls: string };
  /** HTML shown under the heading (already escaped) */
  subtitle: string;
  /** the page body (already escaped) */
  body: string;
  /** the footer (already escaped) */
  footer?: string;
}

/** The whole document around a report's body. */
export function page(o: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(o.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<div class="top"><h1>${e(o.heading)}</h1>${o.badge ? `<span class="badge ${e(o.badge.cls)}">${e(o.badge.text)}</span>` : ""}</div>
<p class="muted">${o.subtitle}</p>
${o.body}
${o.footer ? `<footer>\n${o.footer}\n</footer>` : ""}
</main>
</body>
</html>
`;
}

/** A table of plain strings, every cell escaped; `numeric` columns right-aligned. */
export function dataTable(
  head: string[],
  rows: string[][],
  opts: {
    numeric?: number[];
    dense?: boolean;
    /** as wide as its content, not the page */
    auto?: boolean;
    rowClass?: (row: string[], i: number) => string;
  } = {},
): string {
  const num = new Set(opts.numeric ?? []);
  const cls = (i: number) => (num.has(i) ? ' class="num"' : "");
  const body = rows
    .map((r, ri) => {
      const rc = opts.rowClass?.(r, ri) ?? "";
      return `<tr${rc ? ` class="${e(rc)}"` : ""}>${r.map((c, i) => `<td${cls(i)}>${e(c)}</td>`).join("")}</tr>`;
    })
    .join("\n");
  return `<table class="data${opts.dense ? " dense" : ""}${opts.auto ? " auto" : ""}"><thead><tr>${head.map((h, i) => `<th${cls(i)}>${e(h)}</th>`).join("")}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/**
 * Text that may be long: shown whole when short, otherwise its beginning (cut
 * at a word, about `limit` characters) with the rest folded in a <details>
 * the reader opens to read on.
 */
export function folded(text: string, limit = 240): string {
  if (text.length <= limit + 40) return `<p>${e(text)}</p>`;
  const cut = text.slice(0, limit).replace(/\s+\S*$/, "");
  return `<details class="evidence"><summary>${e(cut)} …</summary><p>… ${e(text.slice(cut.length).trimStart())}</p></details>`;
}

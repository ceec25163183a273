import { escapeHtml } from "../reports/escape.ts";
import {
  abTable,
  dynamoTable,
  findingsTable,
  patternsTable,
  type Table,
  usageTable,
  whatIfTable,
  writeCostTable,
} from "./report-tables.ts";
import type { TuneReport } from "./session.ts";

/** The tuning report as one self-contained HTML page (inline CSS, no scripts, everything escaped). */

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24;max-width:1400px}
table{border-collapse:collapse;margin:8px 0 20px;width:100%}th,td{border:1px solid #d0d7de;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f6f8fa}pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
td.high{color:#b42318;font-weight:600}td.medium{color:#b54708}td.low{color:#475467}
code{font-size:12px}details{margin:6px 0}`;

function table(t: Table, severityColumn = -1): string {
  const head = `<tr>${t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const rows = t.rows
    .map(
      (r) =>
        `<tr>${r
          .map(
            (c, i) =>
              `<td${i === severityColumn ? ` class="${escapeHtml(c)}"` : ""}>${escapeHtml(c)}</td>`,
          )
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table>\n${head}\n${rows}\n</table>`;
}

export function renderTuneHtml(r: TuneReport): string {
  const h: string[] = [];
  const title = `Index tuning: ${r.data.scale} (seed ${r.data.seed}), index set ${r.data.indexSet}`;
  h.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>`,
  );
  h.push(`<h1>${escapeHtml(title)}</h1><ul>`);
  for (const li of [
    `server: ${r.server.description}, PostgreSQL ${r.server.version}`,
    `statement figures: ${r.capabilities.pgStatStatements}`,
    `what-if: ${r.capabilities.whatIf}`,
    `generated: ${r.generatedAt}`,
    ...r.notes.map((n) => `note: ${n}`),
  ])
    h.push(`<li>${escapeHtml(li)}</li>`);
  h.push("</ul>");
  h.push(`<h2>Findings (${r.findings.length})</h2>`, table(findingsTable(r), 0));
  h.push("<h2>Access patterns</h2>", table(patternsTable(r)));
  for (const p of r.patterns)
    for (const s of p.statements) {
      h.push(
        `<details><summary>${escapeHtml(`${p.pattern}: ${s.statement} — ${s.shapes[0]?.shape ?? ""}`)}</summary>`,
      );
      h.push(
        `<pre>${escapeHtml(s.text)}</pre><pre>${escapeHtml(s.tree.join("\n"))}</pre></details>`,
      );
    }
  h.push(`<h2>Index usage</h2><p>${escapeHtml(r.indexUsage.window)}</p>`, table(usageTable(r)));
  if (r.whatIf.length > 0) h.push("<h2>What-if</h2>", table(whatIfTable(r)));
  h.push(
    `<h2>Proposed index set ${escapeHtml(r.proposed.name)} (from ${escapeHtml(r.proposed.base)})</h2>`,
  );
  h.push(`<pre>${escapeHtml(r.proposed.text)}</pre>`);
  const ab = abTable(r);
  if (ab) {
    h.push(
      `<h2>A/B: ${escapeHtml(r.ab!.sets[0].set)} vs ${escapeHtml(r.ab!.sets[1].set)}</h2>`,
      table(ab),
    );
    const wc = writeCostTable(r);
    if (wc) h.push("<h3>Write side</h3>", table(wc));
  }
  const dyn = dynamoTable(r);
  if (dyn) h.push("<h2>DynamoDB partition keys</h2>", table(dyn));
  h.push("</body></html>");
  return `${h.join("\n")}\n`;
}

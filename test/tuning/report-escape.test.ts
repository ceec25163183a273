import { expect, it } from "vitest";
import { renderTuneHtml } from "../../reports/tune-html.ts";
import { renderTuneMarkdown } from "../../reports/tune-markdown.ts";
import type { TuneReport } from "../../tuning/session.ts";

/** Names, plans and evidence come from the database: the reports escape them. */
const evil = `<script>alert("x")</script> | \`\`\` **`;

function report(): TuneReport {
  const summary = {
    shape: `Seq Scan ${evil}`,
    indexes: [],
    seqScans: [],
    sorts: [],
    worstMisestimate: null,
    sharedHit: 1,
    sharedRead: 0,
    planningMs: 0.1,
    executionMs: 1.5,
  };
  return {
    format: "bellyfed-bench/tune",
    version: 1,
    generatedAt: "2026-11-24T00:00:00.000Z",
    server: { description: "PostgreSQL test", version: "18.4" },
    data: { scale: "tiny", seed: 1, indexSet: "seed" },
    capabilities: { pgStatStatements: "snapshot diff", whatIf: "real" },
    catalog: {
      schema: "public",
      serverVersionNum: 180004,
      tables: [],
      indexes: [],
      foreignKeys: [],
    },
    patterns: [
      {
        pattern: "p",
        statements: [
          {
            pattern: "p",
            statement: "s",
            text: `SELECT 1 -- ${evil}`,
            samples: 1,
            shapes: [{ shape: summary.shape, count: 1 }],
            representative: summary,
            tree: [`Seq Scan ${evil}`],
            indexesUsed: [],
            seqScans: [],
            sorts: [],
            worstMisestimate: null,
            executionMs: { median: 1.5, max: 1.5, mean: 1.5 },
            buffers: { meanHit: 1, meanRead: 0 },
            params: [],
            stats: null,
          },
        ],
        indexScans: [],
        bench: null,
      },
    ],
    indexUsage: { window: "a test", rows: [] },
    findings: [
      {
        kind: "seq-scan",
        severity: "high",
        table: evil,
        evidence: evil,
        fix: `CREATE INDEX ${evil}`,
      },
    ],
    candidates: [],
    whatIf: [],
    proposed: {
      name: "tuned",
      base: "seed",
      kept: [],
      dropped: [],
      added: [],
      text: `-- ${evil}\nCREATE INDEX a ON b (c);\n`,
      file: "/tmp/tuned.sql",
      missingFile: true,
      matchesFile: false,
    },
    ab: null,
    dynamo: null,
    notes: [evil],
  };
}

it("HTML: one self-contained page, every value escaped", () => {
  const html = renderTuneHtml(report());
  expect(html).not.toContain("<script>");
  expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  expect(html).not.toMatch(/<(link|img|iframe)\b|src=|href=/);
  expect(html.startsWith("<!doctype html>")).toBe(true);
});

it("Markdown: text escaped outside code; values inside code fences that no value can close", () => {
  const md = renderTuneMarkdown(report());
  // code fences hold raw text (rendered as code); everything outside them is escaped
  const outside = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, "");
  expect(outside).not.toContain("<script>");
  expect(outside).toContain("&lt;script&gt;");
  const findingRow = md.split("\n").find((l) => l.startsWith("| high"))!;
  // the pipe inside the value is escaped: the row keeps its six cells
  expect(findingRow.split(/(?<!\\)\|/).length - 2).toBe(6);
  // a value holding ``` is fenced with four backticks, so the block is not cut short
  expect(md).toContain(`\`\`\`\`\nSeq Scan ${evil}\n\`\`\`\``);
});

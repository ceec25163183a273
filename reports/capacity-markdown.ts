import type { CapacityReport, WhatIf } from "../capacity/projection.ts";
import { capacitySections } from "./capacity-text.ts";
import { escapeMarkdownCell } from "./escape.ts";
import { markdownTable } from "./tune-markdown.ts";

/** The capacity report as GitHub-flavoured Markdown: the summary first, then the detail. */
export function renderCapacityMarkdown(r: CapacityReport, whatIfs: WhatIf[] = []): string {
  const out: string[] = [
    `# Capacity plan: ${escapeMarkdownCell(r.profile.name)}`,
    "",
    `Generated ${escapeMarkdownCell(r.generatedAt)} from profile \`${r.profile.file}\` and the sweep \`${r.sweep.file}\`.`,
  ];
  for (const s of capacitySections(r, whatIfs)) {
    out.push("", `## ${escapeMarkdownCell(s.title)}`, "");
    for (const l of s.lines ?? []) out.push(`- ${escapeMarkdownCell(l)}`);
    if (s.lines?.length && s.table) out.push("");
    if (s.table) out.push(markdownTable(s.table));
  }
  return `${out.join("\n")}\n`;
}

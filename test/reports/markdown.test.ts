import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../reports/markdown.ts";
import { sampleReport } from "./fixtures.ts";

describe("Markdown summary", () => {
  const md = renderMarkdown(sampleReport());

  it("says the gate failed and has one table row per scenario", () => {
    expect(md).toMatch(/^## bellyfed-bench gate: failed$/m);
    expect(md).toMatch(/^\| leaderboards \| ❌ regressed \| 1 \|/m);
    expect(md).toMatch(/^\| trending \| ✅ unchanged \| 1 \|/m);
  });

  it("escapes names taken from data (no raw HTML reaches GitHub)", () => {
    expect(md).not.toContain("<script>");
    expect(md).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(md).toMatch(/^\| &lt;script&gt;alert\(1\)&lt;\/script&gt; \| ❌ target failed \|/m);
  });

  it("lists failed thresholds with the actual value and the baseline comparison", () => {
    expect(md).toMatch(
      /- threshold <code>p\(95\)&lt;25<\/code> on latency failed: actual \d+(\.\d+)? ms/,
    );
    expect(md).toMatch(
      /\| p95 \| [\d.]+ ms \| [\d.]+ ms \| \+\d+\.\d% \[.*\] \| <0\.0001 \| regressed \|/,
    );
  });
});

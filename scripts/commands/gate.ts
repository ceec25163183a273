import { appendFileSync } from "node:fs";
import { UsageError } from "../../core/errors.ts";
import { checkOutputPath, writeOutputFile } from "../../core/output.ts";
import { parseFraction, parseSeed } from "../../gate/options.ts";
import { baselineFrom, DEFAULT_OPTIONS, evaluateGate } from "../../gate/verdict.ts";
import { renderHtml } from "../../reports/html.ts";
import { renderJunit } from "../../reports/junit.ts";
import { renderMarkdown } from "../../reports/markdown.ts";
import { renderTerminal } from "../../reports/terminal.ts";
import { loadResult } from "../../results/load.ts";
import type { Command } from "../command.ts";
import { type FlagSpec, helpText, parseFlags } from "../lib/args.ts";

const USAGE =
  "bellyfed-bench gate RESULT... [--baseline FILE] [--tolerance 10%] [--confidence 95%] [--junit FILE] [--html FILE] [--markdown FILE] [--update-baseline FILE] [--seed N]";
const SUMMARY =
  "Judges result files against their targets and, with --baseline, against a baseline: a p50/p95/p99 or throughput change counts only when it exceeds the tolerance with statistical confidence (Mann-Whitney U and a seeded bootstrap interval on per-second values). Several RESULT files of one scenario are repeated runs. Exit 0 pass, 1 fail (regressed or target failed), 2 bad input. The Markdown summary is appended to $GITHUB_STEP_SUMMARY when set.";

const FLAGS: FlagSpec = {
  baseline: { type: "string", description: "Result file to compare against" },
  tolerance: {
    type: "string",
    description: "Smallest change that counts as a regression or improvement",
    default: "10%",
  },
  confidence: { type: "string", description: "Confidence level of the tests", default: "95%" },
  seed: {
    type: "string",
    description: "Seed of the bootstrap (verdicts are deterministic)",
    default: "1",
  },
  junit: { type: "string", description: "Write JUnit XML to FILE" },
  html: { type: "string", description: "Write the self-contained HTML report to FILE" },
  markdown: { type: "string", description: "Write the Markdown summary to FILE" },
  "update-baseline": {
    type: "string",
    description: "Write the (combined) result to FILE as the new baseline",
  },
};

const gate: Command = {
  name: "gate",
  summary: "Judge result files against targets and a baseline; write JUnit, HTML, Markdown",
  async run(argv) {
    const { values, positionals } = parseFlags("gate", argv, FLAGS, true);
    if (values.help) {
      process.stdout.write(`${helpText(USAGE, SUMMARY, FLAGS)}\n`);
      return 0;
    }
    if (positionals.length === 0)
      throw new UsageError(
        "gate: give at least one RESULT file, e.g. bellyfed-bench gate results/run.json",
      );
    const options = {
      ...DEFAULT_OPTIONS,
      tolerance: parseFraction("tolerance", String(values.tolerance ?? "10%"), 0, 5),
      confidence: parseFraction("confidence", String(values.confidence ?? "95%"), 0.5, 0.999),
      seed: parseSeed(String(values.seed ?? "1")),
    };
    // the tests' settings only shape the comparison with a baseline
    if (values.baseline === undefined)
      for (const f of ["tolerance", "confidence", "seed"])
        if (values[f] !== undefined)
          throw new UsageError(
            `gate: --${f} applies to the comparison with a baseline; add --baseline FILE or drop --${f}`,
          );
    const outputs: Array<[string, string | undefined]> = [
      ["junit", values.junit as string | undefined],
      ["html", values.html as string | undefined],
      ["markdown", values.markdown as string | undefined],
      ["update-baseline", values["update-baseline"] as string | undefined],
    ];
    for (const [flag, file] of outputs) if (file !== undefined) checkOutputPath(flag, file);

    const results = positionals.map(loadResult);
    const baseline = values.baseline ? loadResult(values.baseline as string) : undefined;
    const report = evaluateGate(results, baseline, options);
    const newBaseline = values["update-baseline"] ? baselineFrom(results, report) : undefined;

    // Everything is judged; only now is anything written.
    process.stdout.write(
      renderTerminal(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }),
    );
    const markdown = renderMarkdown(report);
    if (values.junit) writeOutputFile(values.junit as string, renderJunit(report));
    if (values.html) writeOutputFile(values.html as string, renderHtml(report));
    if (values.markdown) writeOutputFile(values.markdown as string, markdown);
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
    if (newBaseline) {
      writeOutputFile(
        values["update-baseline"] as string,
        `${JSON.stringify(newBaseline, null, 2)}\n`,
      );
      process.stdout.write(
        `Baseline written to ${values["update-baseline"]}${report.passed ? "" : " (note: this result failed the gate)"}\n`,
      );
    }
    for (const [flag, file] of outputs.slice(0, 3)) {
      if (file)
        process.stdout.write(
          `${flag === "junit" ? "JUnit" : flag === "html" ? "HTML report" : "Markdown"} written to ${file}\n`,
        );
    }
    return report.passed ? 0 : 1;
  },
};

export default gate;

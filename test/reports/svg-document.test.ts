/**
 * lineChartDocument: a chart as a standalone SVG file (the README's image):
 * its own namespace, title and legend drawn in the SVG, the reports' styles
 * inline, nothing external; a log x axis (users) gets 1-2-5 or 1-3 ticks.
 */
import { expect, it } from "vitest";
import { lineChartDocument } from "../../reports/svg.ts";

it("lineChartDocument: standalone SVG with title, legend, inline style and a log x axis", () => {
  const svg = lineChartDocument({
    id: "cost",
    title: "Monthly cost <& users>",
    series: [
      {
        label: "total",
        color: "#2f6fdf",
        points: [
          [100_000, 400],
          [1_000_000, 900],
          [10_000_000, 5000],
        ],
      },
      {
        label: "limit",
        color: "#d6336c",
        dashed: true,
        points: [
          [100_000, 3000],
          [10_000_000, 3000],
        ],
      },
    ],
    x: {
      label: "users (log)",
      log: true,
      format: (v) => (v >= 1e6 ? `${v / 1e6}M` : `${v / 1e3}k`),
    },
    y: { label: "USD", log: true },
  });
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg).toContain("<title>Monthly cost &lt;&amp; users&gt;</title>");
  expect(svg).toContain('class="legend">total</text>');
  expect(svg).toContain('stroke-dasharray="5 3"/><text');
  expect(svg).toContain("<style>");
  expect(svg).not.toMatch(/href=|<script|url\(/);
  const ticks = [...svg.matchAll(/class="tick">([^<]+)</g)].map((m) => m[1]);
  expect(ticks).toEqual(expect.arrayContaining(["100k", "1M", "10M"]));
  // x positions grow by equal steps per decade
  const xs = [
    ...svg.matchAll(
      /<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" class="tick">(100k|1M|10M)</g,
    ),
  ].map((m) => Number(m[1]));
  expect(xs).toHaveLength(3);
  expect(xs[2] - xs[1]).toBeCloseTo(xs[1] - xs[0], 0);
});

/**
 * Which way imports may point between top-level folders: each layer may
 * import from the layers before it, never from those after it (so no cycle
 * between folders). Checked in CI: `npm run deps`.
 *
 *   core -> stores -> schema -> generators -> load -> sync -> engine
 *        -> scenarios -> integrity -> results -> gate -> tuning -> capacity
 *        -> reports -> scripts -> bin
 *
 * A new capability (capacity, the sync, the HTTP layer) is a new folder: add
 * it to LAYERS where it belongs (the README's Layout table follows this list).
 */
const LAYERS = [
  "core",
  "stores",
  "schema",
  "generators",
  "load",
  "sync",
  "engine",
  "scenarios",
  "integrity",
  "results",
  "gate",
  "tuning",
  "capacity",
  "reports",
  "scripts",
  "bin",
];

const above = (i) => LAYERS.slice(i + 1);

module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `${layer}-points-down`,
      comment: `${layer}/ may import only from ${LAYERS.slice(0, i).join(", ") || "nothing of the project"}`,
      severity: "error",
      from: { path: `^${layer}/` },
      to: { path: `^(${above(i).join("|")})/` },
    })),
    {
      name: "no-circular",
      comment: "no import cycle, inside a folder either",
      severity: "error",
      from: { pathNot: "^test/" },
      to: { circular: true },
    },
    {
      name: "sync-command-stays-lean",
      comment:
        "`bellyfed-bench sync` (the projector alone in its process) must not load the data generators and faker: they cost it about 35 MB of RSS (README: The projector's memory)",
      severity: "error",
      from: { path: "^scripts/commands/sync\\.ts$" },
      to: { path: "(@faker-js|^generators/pool-builder\\.ts$)", reachable: true },
    },
    {
      name: "not-to-test",
      comment: "production code never imports the tests",
      severity: "error",
      from: { pathNot: "^test/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|test|docs|tools|\\.bellyfed|\\.ci|\\.github)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mjs", ".js", ".json"] },
  },
};

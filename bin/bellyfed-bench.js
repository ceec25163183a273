#!/usr/bin/env node
// Entry point for `npx bellyfed-bench`: registers tsx so the TypeScript sources
// run as they are (no build step), then hands over to the CLI.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../scripts/cli.ts");
process.exitCode = await main(process.argv.slice(2));

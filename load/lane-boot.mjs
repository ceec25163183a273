// Entry of a loader lane (a worker thread that generates rows and COPYs them).
// tsx's loader hooks are not inherited by worker threads (Node 20), so the
// worker registers tsx itself before importing the TypeScript lane.
import { register } from "tsx/esm/api";

register();
await import("./lane-worker.ts");

// Entry of a load-generator worker thread. Loader hooks registered by tsx in
// the parent are not inherited by worker threads (Node 20), so the worker
// registers tsx itself before importing the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");

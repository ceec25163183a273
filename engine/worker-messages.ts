import type { GeneratorOutcome, GeneratorSnapshot } from "./generator.ts";
import type { LiveStats } from "./live.ts";

/** Messages between the parent and a load-generator worker thread. */
export type ToWorker = { type: "go"; t0Us: number } | { type: "cancel" };

export type FromWorker =
  | { type: "ready" }
  | ({ type: "progress"; snapshot?: GeneratorSnapshot } & LiveStats)
  | { type: "done"; outcome: GeneratorOutcome }
  | { type: "error"; message: string; exitCode?: number };

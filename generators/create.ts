import { Dataset } from "./dataset-core.ts";
import { poolsFor } from "./pool-builder.ts";
import { resolveScale, type ScaleConfig, type ScaleInput } from "./scale.ts";

/** Validates the input (UsageError on bad input) and builds the data set. */
export function createDataset(input: ScaleInput | ScaleConfig = {}): Dataset {
  const cfg = "users" in input ? (input as ScaleConfig) : resolveScale(input as ScaleInput);
  return new Dataset(cfg, poolsFor(cfg.seed));
}

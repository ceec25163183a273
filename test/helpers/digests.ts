import { createHash } from "node:crypto";
import { type Dataset, TABLES } from "../../generators/core.ts";

/** sha256 of every table's COPY text: equal digests mean byte-identical data. */
export function tableDigests(ds: Dataset): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const h = createHash("sha256");
    for (const b of ds.table(t).chunks()) h.update(b);
    out[t] = h.digest("hex");
  }
  return out;
}

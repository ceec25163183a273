/** Parsing of the gate's numeric flags. */
import { UsageError } from "../core/errors.ts";

/** "10%" or a fraction such as "0.1". */
export function parseFraction(flag: string, text: string, min: number, max: number): number {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(t);
  const value = m ? (m[2] === "%" ? Number(m[1]) / 100 : Number(m[1])) : Number.NaN;
  if (!m || !(value >= min && value <= max) || (m[2] !== "%" && value > 1)) {
    throw new UsageError(
      `--${flag} '${text}' is not valid; write a percentage between ${min * 100}% and ${max * 100}%, e.g. --${flag} ${flag === "confidence" ? "95%" : "10%"}`,
    );
  }
  return value;
}

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > 0xffffffff)
    throw new UsageError(`--seed '${text}' is not a whole number from 0 to 4294967295`);
  return Number(text);
}

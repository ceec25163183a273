/**
 * Keyset pagination: a page starts after the last key of the previous one.
 * The probes that page (dishes-by-type, users-by-level) draw which page a
 * visitor asks for: the first most, each later one half as often as the one
 * before (most visitors stop at page one; a few read on).
 */
export const PAGE_SIZE = 20;

/** how many pages of one listing a pool keeps (the first and this many - 1 after it) */
export const MAX_PAGES = 5;

/** The weight of page `i` (0 = the first) relative to the first. */
export function pageWeight(i: number): number {
  return 0.5 ** i;
}

/**
 * SQL fragment: for rows numbered `rn` (from 1) within a listing in page
 * order, the ones that end a page before the last kept page, i.e. the
 * keys later pages start after.
 */
export const PAGE_ENDS = `rn % ${PAGE_SIZE} = 0 AND rn < ${PAGE_SIZE * MAX_PAGES}`;

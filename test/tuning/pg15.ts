import { type Pg15, startPg15 as startDebianPg15 } from "../helpers/pg15.ts";

export type { Pg15 };

/** Debian's PostgreSQL 15 with the hypopg extension (package postgresql-15-hypopg), for the what-if test. */
export const HYPOPG_CONTROL = "/usr/share/postgresql/15/extension/hypopg.control";
export const HYPOPG_INSTALL = "apt-get install -y postgresql-15 postgresql-15-hypopg";

export function startPg15(): Promise<Pg15> {
  return startDebianPg15({ requires: [{ file: HYPOPG_CONTROL, install: HYPOPG_INSTALL }] });
}

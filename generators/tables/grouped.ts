import type { GroupIndex } from "../group-index.ts";

/**
 * Walks a child table whose rows are grouped by user: row index -> (user, ordinal).
 * Subclasses compute per-user state in `enterUser` (called once per user with rows,
 * also after a seek into the middle of a user) and the row itself in `compute`.
 */
export abstract class GroupedCursor {
  /** current user, ordinal within the user, the user's row count, the user's first row index */
  protected u = 0;
  protected o = 0;
  protected n = 0;
  protected start = 0;
  /** global index of the row last computed */
  protected index = 0;
  private readonly seekTmp = new Float64Array(1);
  private fresh = true;

  constructor(protected readonly gi: GroupIndex) {}

  seek(i: number): void {
    this.u = this.gi.locate(i, this.seekTmp);
    this.start = this.seekTmp[0];
    this.o = i - this.start;
    this.n = this.gi.countOf(this.u);
    this.fresh = true;
  }

  next(): void {
    while (this.o >= this.n) {
      this.start += this.n;
      this.u++;
      this.o = 0;
      this.n = this.gi.countOf(this.u);
      this.fresh = true;
    }
    if (this.fresh) {
      this.enterUser();
      this.fresh = false;
    }
    this.index = this.start + this.o;
    this.compute();
    this.o++;
  }

  protected abstract enterUser(): void;
  protected abstract compute(): void;
}

import type { GroupIndex } from "../group-index.ts";
import { uuidWords } from "../ids.ts";
import { CODE } from "./common.ts";

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
  /** the current user's user_id as COPY bytes (written on every row of the user) */
  protected readonly userIdBytes = new Uint8Array(36);
  private readonly words = new Uint32Array(4);

  constructor(
    protected readonly gi: GroupIndex,
    private readonly idSeed: number,
  ) {}

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
      uuidWords(CODE.users, this.u, this.idSeed, this.words);
      formatUuid(this.words, this.userIdBytes);
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

const HEX = "0123456789abcdef";

function formatUuid(w: Uint32Array, out: Uint8Array): void {
  let p = 0;
  for (let k = 0; k < 4; k++) {
    for (let sh = 28; sh >= 0; sh -= 4) {
      out[p++] = HEX.charCodeAt((w[k] >>> sh) & 15);
      if (p === 8 || p === 13 || p === 18 || p === 23) out[p++] = 0x2d;
    }
  }
}

import { describe, expect, it } from "vitest";
import { uuidWords } from "../../generators/ids.ts";
import {
  arrayLiteral,
  CopyWriter,
  createDataset,
  escapeCopy,
  formatTimestamp,
  parseCopyText,
  TABLES,
  unescapeCopy,
  uuidFor,
} from "../../generators/index.ts";

const TRICKY = [
  "plain",
  "tab\there",
  "new\nline",
  "carriage\rreturn",
  "back\\slash",
  "\\N",
  "both\\\t\n",
  "emoji 😍 and accents éàü",
  "",
  'quote " and {braces}, commas',
];

function writeOne(fill: (w: CopyWriter) => void): string {
  const parts: Buffer[] = [];
  const w = new CopyWriter((b) => parts.push(b));
  fill(w);
  w.endRow();
  w.flush();
  return Buffer.concat(parts).toString("utf8");
}

describe("COPY text format", () => {
  it("escapes and unescapes tricky strings losslessly", () => {
    for (const s of TRICKY) {
      const e = escapeCopy(s);
      expect(e).not.toMatch(/[\t\n\r]/);
      expect(unescapeCopy(e)).toBe(s);
    }
    expect(escapeCopy("a\tb\nc\\d")).toBe("a\\tb\\nc\\\\d");
    // a literal backslash-N string is data, not NULL
    expect(unescapeCopy(escapeCopy("\\N"))).toBe("\\N");
    expect(unescapeCopy("\\N")).toBeNull();
  });

  it("a row of tricky text fields round-trips through CopyWriter", () => {
    const text = writeOne((w) => {
      TRICKY.forEach((s, i) => {
        if (i > 0) w.tab();
        w.text(s);
      });
      w.tab();
      w.textOrNull(null);
    });
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(2);
    expect(parseCopyText(text)).toEqual([[...TRICKY, null]]);
  });

  it("array literals quote what PostgreSQL requires", () => {
    expect(arrayLiteral(["Italian", "Pizza"])).toBe("{Italian,Pizza}");
    expect(arrayLiteral(["Wine Bar", 'say "hi"', "a,b", "back\\slash", "", "null", null])).toBe(
      '{"Wine Bar","say \\"hi\\"","a,b","back\\\\slash","","null",NULL}',
    );
    expect(arrayLiteral([])).toBe("{}");
    // inside COPY the array's backslashes are escaped once more
    const text = writeOne((w) => w.text(arrayLiteral(["back\\slash"])));
    expect(text).toBe('{"back\\\\\\\\slash"}\n');
    expect(parseCopyText(text)[0][0]).toBe(arrayLiteral(["back\\slash"]));
  });

  it("numbers, booleans, timestamps and UUIDs are written as PostgreSQL reads them", () => {
    const words = new Uint32Array(4);
    uuidWords(3, 77, 5, words);
    const ms = Date.parse("2025-03-09T07:05:03.042Z");
    const text = writeOne((w) => {
      w.uint(0);
      w.tab();
      w.uint(123456789);
      w.tab();
      w.int(-42);
      w.tab();
      w.decimal(1295, 2);
      w.tab();
      w.decimal(5, 2);
      w.tab();
      w.bool(true);
      w.tab();
      w.bool(false);
      w.tab();
      w.timestamp(ms);
      w.tab();
      w.uuid(words);
    });
    expect(parseCopyText(text)[0]).toEqual([
      "0",
      "123456789",
      "-42",
      "12.95",
      "0.05",
      "t",
      "f",
      "2025-03-09 07:05:03.042",
      uuidFor("users", 77, 5),
    ]);
    expect(formatTimestamp(ms)).toBe("2025-03-09 07:05:03.042");
    for (const t of [0, 951782400000, 1709164800123, 4102444799999]) {
      expect(parseCopyText(writeOne((w) => w.timestamp(t)))[0][0]).toBe(formatTimestamp(t));
    }
  });

  it("every table's COPY lines decode to exactly its row objects", () => {
    const ds = createDataset({ scale: "tiny", seed: 5 });
    const fmt = (v: unknown, col: string): string | null => {
      if (v === null) return null;
      if (Array.isArray(v)) return arrayLiteral(v as string[]);
      if (typeof v === "boolean") return v ? "t" : "f";
      if (col.endsWith("_at")) return formatTimestamp(v as number);
      if (col === "price") return (v as number).toFixed(2);
      if (col === "latitude" || col === "longitude") return (v as number).toFixed(6);
      return String(v);
    };
    for (const t of TABLES) {
      const g = ds.table(t);
      const n = Math.min(g.count(), 3000);
      const lines = parseCopyText(Buffer.concat([...g.chunks(0, n)]).toString("utf8"));
      expect(lines).toHaveLength(n);
      let i = 0;
      for (const rec of g.rows(0, n)) {
        const r = rec as unknown as Record<string, unknown>;
        expect(lines[i], `${t}[${i}]`).toEqual(g.columns.map((c) => fmt(r[c], c)));
        i++;
      }
    }
  });

  it("generated text with characters COPY must escape survives (ranking notes, comments)", () => {
    const ds = createDataset({ scale: "tiny", seed: 5 });
    const notes = ds.world.pools.notes.values.filter((s) => /[\t\n\\]/.test(s));
    expect(notes.length).toBeGreaterThan(0);
    for (const s of notes) {
      expect(
        parseCopyText(
          writeOne((w) =>
            w.raw(ds.world.pools.notes.bytes[ds.world.pools.notes.values.indexOf(s)]),
          ),
        )[0][0],
      ).toBe(s);
    }
  });
});

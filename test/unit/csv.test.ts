import { describe, expect, it } from "vitest";
import {
  CSV_BOM,
  contentDisposition,
  csvCell,
  csvFileName,
  csvHeader,
  csvLine,
  csvRows,
  localDate,
  spreadsheetTime,
} from "../../src/lib/csv";
import { csvStream } from "../../src/lib/csv-stream";
import { parseCsv } from "../csv-parse";

describe("csvCell: RFC 4180 quoting", () => {
  const cases: [string, unknown, string][] = [
    ["plain text", "Ann", "Ann"],
    ["empty text", "", ""],
    ["null", null, ""],
    ["undefined", undefined, ""],
    ["a comma", "Acme, Inc.", '"Acme, Inc."'],
    ["a quote", 'The "best" tour', '"The ""best"" tour"'],
    ["only a quote", '"', '""""'],
    ["LF inside", "line one\nline two", '"line one\nline two"'],
    ["CRLF inside", "line one\r\nline two", '"line one\r\nline two"'],
    ["CR inside", "a\rb", '"a\rb"'],
    ["spaces kept", "  padded  ", "  padded  "],
    ["semicolon needs no quotes", "a;b", "a;b"],
    ["an email", "ann@example.com", "ann@example.com"],
    ["a number", 42, "42"],
    ["zero", 0, "0"],
    ["a negative number stays a number", -5, "-5"],
    ["a fraction", 3.5, "3.5"],
    ["NaN is empty", Number.NaN, ""],
    ["Infinity is empty", Number.POSITIVE_INFINITY, ""],
    ["true", true, "true"],
    ["false", false, "false"],
    ["several values", ["a@x.com", "b@y.com"], "a@x.com; b@y.com"],
    ["no values", [], ""],
    ["an object is its JSON", { all: [1, 2] }, '"{""all"":[1,2]}"'],
  ];
  it.each(cases)("%s", (_name, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe("csvCell: formula injection neutralised", () => {
  const cases: [string, unknown, string][] = [
    ["=", "=1+1", "'=1+1"],
    ["+", "+49 30 1234", "'+49 30 1234"],
    ["- in text", "-5", "'-5"],
    ["@", "@SUM(A1:A9)", "'@SUM(A1:A9)"],
    ["tab first", "\t=1+1", "'\t=1+1"],
    ["tab alone first", "\tnote", "'\tnote"],
    ["CR first (quoted)", "\r=1+1", '"\'\r=1+1"'],
    ["after leading spaces", "   =1+1", "'   =1+1"],
    ["after a no-break space", "\u00A0=1+1", "'\u00A0=1+1"],
    ["full-width equals", "＝1+1", "'＝1+1"],
    ["full-width plus", "＋1", "'＋1"],
    ["full-width at", "＠SUM(A1)", "'＠SUM(A1)"],
    [
      "HYPERLINK with quotes and commas",
      '=HYPERLINK("http://evil.test","Click")',
      '"\'=HYPERLINK(""http://evil.test"",""Click"")"',
    ],
    ["DDE", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["hidden behind a zero-width space", "\u200B=1+1", "'=1+1"],
    ["hidden behind a BOM", "\uFEFF=1+1", "'=1+1"],
    ["hidden behind bidi marks", "\u200E\u202E=1+1", "'=1+1"],
    ["hidden behind a NUL", "\u0000=1+1", "'=1+1"],
    ["in a list of values", ["=1+1", "b@x.com"], "'=1+1; b@x.com"],
    ["= later is harmless", "a=b", "a=b"],
    ["- later is harmless", "Jean-Luc", "Jean-Luc"],
    ["an apostrophe first stays", "'quoted", "'quoted"],
  ];
  it.each(cases)("%s", (_name, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe("csvCell: bidi, zero-width and non-ASCII text", () => {
  const cases: [string, string, string][] = [
    ["right-to-left override removed", "\u202Egpj.exe", "gpj.exe"],
    ["isolates removed", "\u2066Ann\u2069", "Ann"],
    ["zero-width space removed", "An\u200Bn", "Ann"],
    ["word joiner removed", "An\u2060n", "Ann"],
    ["Arabic letter mark removed", "\u061Cمحمد", "محمد"],
    ["zero-width joiner kept (emoji)", "👩‍👩‍👧", "👩‍👩‍👧"],
    ["zero-width non-joiner kept (Persian)", "می‌خواهم", "می‌خواهم"],
    ["accents", "Zoë Łukasz Ñandú", "Zoë Łukasz Ñandú"],
    ["CJK", "東京セミナー", "東京セミナー"],
    ["Greek and Cyrillic", "Ελληνικά Кириллица", "Ελληνικά Кириллица"],
    ["Hebrew", "שלום", "שלום"],
    ["Devanagari with marks", "वेबिनार", "वेबिनार"],
    ["astral plane", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀"],
    ["non-ASCII with a comma", "Müller, Jürgen", '"Müller, Jürgen"'],
    ["C0 controls removed", "a\u0001b\u0007c\u001Fd\u007Fe", "abcde"],
  ];
  it.each(cases)("%s", (_name, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe("csvLine, csvHeader, csvRows", () => {
  it("joins cells with commas and ends every record with CRLF", () => {
    expect(csvLine(["a", 1, null, true])).toBe("a,1,,true\r\n");
    expect(csvLine([])).toBe("\r\n");
  });

  it("writes a header of the column names and one record per row", () => {
    const columns = [
      { header: "Email", value: (r: { email: string; n: number }) => r.email },
      { header: "Minutes, attended", value: (r: { email: string; n: number }) => r.n },
    ];
    expect(csvHeader(columns)).toBe('Email,"Minutes, attended"\r\n');
    expect(
      csvRows(columns, [
        { email: "a@x.com", n: 3 },
        { email: "=b", n: -1 },
      ]),
    ).toBe("a@x.com,3\r\n'=b,-1\r\n");
  });

  it("round-trips awkward text through an RFC 4180 reader (the formula prefix aside)", () => {
    const values = ['He said "hi", then left', "two\r\nlines", "東京, Ελληνικά", "", "trailing,", '"', "lone\nLF"];
    const text = csvLine(values) + csvLine(["x", "y"]);
    expect(parseCsv(text)).toEqual([values, ["x", "y"]]);
  });
});

describe("csvFileName and contentDisposition", () => {
  const cases: [string, string[], string, string][] = [
    [
      "the issue's example",
      ["Product tour", "attended", "2026-12-01"],
      "product-tour-attended-2026-12-01.csv",
      "product-tour-attended-2026-12-01.csv",
    ],
    [
      "accents",
      ["Café – Ünïcode", "registered", "2026-12-01"],
      "cafe-unicode-registered-2026-12-01.csv",
      "café-ünïcode-registered-2026-12-01.csv",
    ],
    [
      "another script only",
      ["東京セミナー", "absent", "2026-12-01"],
      "webinar-absent-2026-12-01.csv",
      "東京セミナー-absent-2026-12-01.csv",
    ],
    [
      "Devanagari keeps its marks",
      ["वेबिनार", "attended", "2026-12-01"],
      "webinar-attended-2026-12-01.csv",
      "वेबिनार-attended-2026-12-01.csv",
    ],
    [
      "path traversal",
      ["../../etc/passwd", "attended", "2026-12-01"],
      "etc-passwd-attended-2026-12-01.csv",
      "etc-passwd-attended-2026-12-01.csv",
    ],
    [
      "header injection",
      ['x"; filename="evil.exe', "attended", "2026-12-01"],
      "x-filename-evil-exe-attended-2026-12-01.csv",
      "x-filename-evil-exe-attended-2026-12-01.csv",
    ],
    [
      "CR/LF",
      ["a\r\nSet-Cookie: x=1", "attended", "2026-12-01"],
      "a-set-cookie-x-1-attended-2026-12-01.csv",
      "a-set-cookie-x-1-attended-2026-12-01.csv",
    ],
    [
      "bidi override",
      ["\u202Evod.exe", "attended", "2026-12-01"],
      "vod-exe-attended-2026-12-01.csv",
      "vod-exe-attended-2026-12-01.csv",
    ],
    [
      "empty later parts dropped",
      ["prospects", "", "  ", "2026-12-01"],
      "prospects-2026-12-01.csv",
      "prospects-2026-12-01.csv",
    ],
    ["nothing at all", [], "webinar.csv", "webinar.csv"],
  ];
  it.each(cases)("%s", (_name, parts, ascii, unicode) => {
    expect(csvFileName(parts, "webinar")).toEqual({ ascii, unicode });
  });

  it("caps a long subject at 60 characters", () => {
    const name = csvFileName(["a".repeat(300), "attended", "2026-12-01"]);
    expect(name.ascii).toBe(`${"a".repeat(60)}-attended-2026-12-01.csv`);
    expect(name.unicode).toBe(name.ascii);
  });

  it("the ASCII name uses safe characters only", () => {
    const nasty = ["\u0000\u0007<>:\\|?*%'`$", "Zoë & co.", "東京"];
    expect(csvFileName(nasty).ascii).toMatch(/^[a-z0-9-]+\.csv$/);
  });

  it("says attachment, with the UTF-8 name in filename*", () => {
    expect(contentDisposition(csvFileName(["Café tour", "attended", "2026-12-01"]))).toBe(
      "attachment; filename=\"cafe-tour-attended-2026-12-01.csv\"; filename*=UTF-8''caf%C3%A9-tour-attended-2026-12-01.csv",
    );
  });
});

describe("localDate and spreadsheetTime", () => {
  it("is the date where the webinar happens", () => {
    expect(localDate("2026-12-02T04:00:00.000Z", "America/Los_Angeles")).toBe("2026-12-01");
    expect(localDate("2026-12-01T23:30:00.000Z", "Europe/Berlin")).toBe("2026-12-02");
    expect(localDate("2026-12-01T23:30:00.000Z", null)).toBe("2026-12-01");
    expect(localDate("2026-12-01T23:30:00.000Z", "Not/A_Zone")).toBe("2026-12-01");
    expect(localDate("not a date", "Europe/Berlin")).toBe("");
  });

  it("writes times as spreadsheets parse them", () => {
    expect(spreadsheetTime("2026-12-01T14:05:09.123Z")).toBe("2026-12-01 14:05:09");
    expect(spreadsheetTime(null)).toBe("");
    expect(spreadsheetTime("garbage")).toBe("garbage");
  });
});

describe("csvStream", () => {
  const columns = [{ header: "n", value: (r: number) => r }];
  async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
    return new Response(stream).text();
  }

  it("starts with the BOM and the header, and holds only the header when there are no rows", async () => {
    const stream = await csvStream({
      columns,
      start: null,
      page: async () => ({ rows: [], next: null }),
      what: "test",
    });
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes)).toBe(`${CSV_BOM}n\r\n`);
  });

  it("reads the pages one at a time as the bytes are taken, from the given start", async () => {
    const asked: (number | null)[] = [];
    const page = async (after: number | null) => {
      asked.push(after);
      const from = (after ?? 0) + 1;
      const rows = Array.from({ length: 3 }, (_, i) => from + i);
      return { rows, next: from + 2 < 60 ? from + 2 : null };
    };
    const stream = await csvStream({ columns, start: 0, page, what: "test" });
    expect(asked[0]).toBe(0);
    expect(asked.length).toBeLessThanOrEqual(4);
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("n\r\n1\r\n2\r\n3\r\n");
    // A few pages may be read ahead of the reader (the stream's high-water mark), never all 20.
    await new Promise((r) => setTimeout(r, 20));
    expect(asked.length).toBeGreaterThan(1);
    expect(asked.length).toBeLessThanOrEqual(5);
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe(Array.from({ length: 57 }, (_, i) => `${i + 4}\r\n`).join(""));
    expect(asked).toEqual(Array.from({ length: 20 }, (_, i) => i * 3));
  });

  it("a failing first page is an ordinary error, before any byte is sent", async () => {
    await expect(
      csvStream({ columns, start: null, page: () => Promise.reject(new Error("D1 down")), what: "test" }),
    ).rejects.toThrow("D1 down");
  });

  it("a failure after the first page cuts the stream off instead of ending it as if complete", async () => {
    let calls = 0;
    const page = async () => {
      calls++;
      if (calls > 1) throw new Error("D1 went away");
      return { rows: [1], next: 1 };
    };
    const stream = await csvStream({ columns, start: null, page, what: "test" });
    await expect(readAll(stream)).rejects.toThrow("D1 went away");
  });
});

import { cleanText } from "../domain/text";

/**
 * CSV as spreadsheets read it (RFC 4180): comma-separated, CRLF line ends, a cell quoted when it
 * holds a quote, a comma, CR or LF (quotes inside doubled). Pure: no bindings, no streams.
 */

/** Excel reads a CSV file without a byte order mark in the machine's legacy code page, not UTF-8. */
export const CSV_BOM = "\uFEFF";
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8; header=present";

/** A column of an export: its heading and how a row fills it. */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => unknown;
}

/**
 * Text a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1`, `-1+2`, `@SUM`), also after
 * leading spaces, and the full-width signs some locales accept in their place; a cell starting
 * with a tab or CR is treated the same way. Prefixed with `'` it stays text.
 */
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/u;
/** C0 controls other than tab, LF and CR: no business in a cell, and some readers stop at NUL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/gu;
const NEEDS_QUOTES = /[",\r\n]/;

/** Text as it goes into a cell: without bidi controls, zero-width spaces and C0 controls, and never a formula. */
export function csvText(text: string): string {
  const clean = cleanText(text).replace(CONTROLS, "");
  return FORMULA_START.test(clean) ? `'${clean}` : clean;
}

/**
 * One cell. Numbers and booleans Rollcall itself produced are written as they are (a score of -5
 * stays a number the spreadsheet can sum); text is neutralised by `csvText`. Nothing is an empty
 * cell; several values are joined with "; "; anything else is its JSON.
 */
export function csvCell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") text = csvText(value);
  else if (Array.isArray(value))
    text = csvText(value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("; "));
  else text = csvText(JSON.stringify(value) ?? "");
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its CRLF. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

export function csvHeader<Row>(columns: readonly CsvColumn<Row>[]): string {
  return csvLine(columns.map((c) => c.header));
}

export function csvRows<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  let out = "";
  for (const row of rows) out += csvLine(columns.map((c) => c.value(row)));
  return out;
}

/** A download's name twice: ASCII for `filename=`, and in its own script for `filename*=`. */
export interface CsvFileName {
  ascii: string;
  unicode: string;
}

const MAX_PART = 60;

function asciiSlug(text: string): string {
  return cleanText(text)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_PART)
    .replace(/^-+|-+$/g, "");
}

function unicodeSlug(text: string): string {
  // Letters, marks and digits of any script; everything else (slashes, quotes, dots, controls,
  // bidi characters) becomes a dash, so the name can never reach another folder or extension.
  return Array.from(
    cleanText(text)
      .normalize("NFC")
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}]+/gu, "-"),
  )
    .slice(0, MAX_PART)
    .join("")
    .replace(/^-+|-+$/g, "");
}

/**
 * A file name that says what the file holds: `["Product tour", "attended", "2026-12-01"]` is
 * `product-tour-attended-2026-12-01.csv`. A first part with nothing safe in it (a subject all in
 * another script, for the ASCII name) becomes `fallback`; later such parts are left out.
 */
export function csvFileName(parts: readonly string[], fallback = "export"): CsvFileName {
  const join = (slug: (s: string) => string): string => {
    const [first = "", ...rest] = parts.map(slug);
    return `${[first || fallback, ...rest.filter((s) => s !== "")].join("-")}.csv`;
  };
  return { ascii: join(asciiSlug), unicode: join(unicodeSlug) };
}

/** RFC 8187 value characters: encodeURIComponent leaves `'()*` as they are, which the grammar does not allow. */
function rfc8187(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `Content-Disposition` of a download, with the UTF-8 name for browsers that read `filename*`. */
export function contentDisposition(name: CsvFileName): string {
  return `attachment; filename="${name.ascii}"; filename*=UTF-8''${rfc8187(name.unicode)}`;
}

/** The headers of a CSV download. */
export function csvHeaders(name: CsvFileName): Record<string, string> {
  return { "content-type": CSV_CONTENT_TYPE, "content-disposition": contentDisposition(name) };
}

/** The calendar date of an instant in a time zone (`YYYY-MM-DD`); UTC when the zone is unknown. */
export function localDate(iso: string, timeZone: string | null): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  if (timeZone) {
    try {
      const parts = new Intl.DateTimeFormat("en-US", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      }).formatToParts(at);
      const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? "";
      return `${part("year")}-${part("month")}-${part("day")}`;
    } catch {
      // an unknown zone: fall through to UTC
    }
  }
  return at.toISOString().slice(0, 10);
}

/** An ISO instant as spreadsheets parse a date and time (`2026-12-01 14:00:00`, UTC). */
export function spreadsheetTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toISOString().slice(0, 19).replace("T", " ");
}

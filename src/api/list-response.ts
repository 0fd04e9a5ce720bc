import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { type ContentWithResolver, resolver } from "hono-openapi";
import * as v from "valibot";
import type { Keyset } from "../db/queries/reports";
import { type CsvColumn, csvFileName, csvHeaders } from "../lib/csv";
import { CSV_PAGE_SIZE, csvStream } from "../lib/csv-stream";
import { decodeKeyset, encodeKeyset } from "../lib/cursor";

/**
 * The one way a list route of the JSON API answers: a page of JSON (`{ data, next_cursor }`), or,
 * with `?format=csv` or `Accept: text/csv`, every row after the cursor as one streamed CSV file
 * whose columns are the JSON item's fields (nested objects flattened: `counts_registered`).
 * A list route takes `...LIST_PARAMS` in its query schema, documents `listContent(...)` as its 200
 * and ends in `listResponse(c, query, { item, json, page, cursor, fileName })`.
 */

const LIMIT_MESSAGE = "limit must be a whole number from 1 to 500.";

/** The query fields every list route takes, to spread into its query schema. */
export const LIST_PARAMS = {
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, LIMIT_MESSAGE),
      v.transform(Number),
      v.minValue(1, LIMIT_MESSAGE),
      v.maxValue(500, LIMIT_MESSAGE),
    ),
    "100",
  ),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(300, "cursor is not one this API gave out."))),
  format: v.optional(
    v.pipe(
      v.picklist(["json", "csv"], "format must be json or csv (or leave it out and send Accept: text/csv)."),
      v.description(
        "`json` (the default): one page of `limit` items. `csv`: every item after `cursor`, all pages in one streamed download, `limit` ignored; `Accept: text/csv` does the same.",
      ),
    ),
  ),
};

export interface ListQuery {
  limit: number;
  cursor?: string | undefined;
  format?: "json" | "csv" | undefined;
}

/** How a list's positions travel as opaque cursors. */
export interface CursorCodec<Position> {
  decode(cursor: string): Position;
  encode(position: Position): string;
}

export const KEYSET_CURSOR: CursorCodec<Keyset> = { decode: decodeKeyset, encode: encodeKeyset };

type ItemSchema = v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>;

export interface ListSource<Row, Position, Item extends Record<string, unknown>> {
  /** The schema of one item of `data`: its fields are the CSV's columns. */
  item: ItemSchema;
  json: (row: Row) => Item;
  page: (after: Position | null, limit: number) => Promise<{ rows: Row[]; next: Position | null }>;
  cursor: CursorCodec<Position>;
  /** What the file holds, in words: `["webinars", "finished", "2026-12-01"]`. */
  fileName: readonly string[];
}

/** True when the client asked for CSV: `format` decides; without it, `Accept`. */
export function wantsCsv(c: Context, format: ListQuery["format"]): boolean {
  if (format) return format === "csv";
  return (
    accepts(c, { header: "Accept", supports: ["application/json", "text/csv"], default: "application/json" }) ===
    "text/csv"
  );
}

export async function listResponse<Row, Position, Item extends Record<string, unknown>>(
  c: Context,
  query: ListQuery,
  source: ListSource<Row, Position, Item>,
): Promise<Response> {
  const after = query.cursor ? source.cursor.decode(query.cursor) : null;
  if (!wantsCsv(c, query.format)) {
    const page = await source.page(after, query.limit);
    return c.json({
      data: page.rows.map(source.json),
      next_cursor: page.next ? source.cursor.encode(page.next) : null,
    });
  }
  const body = await csvStream({
    columns: csvColumnsOf(source.item),
    start: after,
    page: async (position) => {
      const page = await source.page(position, CSV_PAGE_SIZE);
      return { rows: page.rows.map(source.json), next: page.next };
    },
    what: c.req.path,
  });
  return c.body(body, 200, csvHeaders(csvFileName(source.fileName)));
}

/** The schema inside `nullable`, `optional` and the other wrappers. */
function unwrap(schema: v.GenericSchema): v.GenericSchema {
  let s = schema;
  while ("wrapped" in s) s = s.wrapped as v.GenericSchema;
  return s;
}

/** The CSV columns of a JSON item: one per field, nested objects as `parent_child`. */
export function csvColumnsOf(schema: ItemSchema): CsvColumn<Record<string, unknown>>[] {
  const columns: CsvColumn<Record<string, unknown>>[] = [];
  const walk = (entries: v.ObjectEntries, path: readonly string[]): void => {
    for (const [key, entry] of Object.entries(entries)) {
      const inner = unwrap(entry);
      const at = [...path, key];
      if (inner.type === "object" && "entries" in inner) {
        walk(inner.entries as v.ObjectEntries, at);
        continue;
      }
      columns.push({ header: at.join("_"), value: (item) => at.reduce<unknown>(field, item) });
    }
  };
  walk(schema.entries, []);
  return columns;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}

/** The 200 of a list route in openapi.json: the JSON page, and the CSV file with its columns. */
export function listContent(list: Parameters<typeof resolver>[0], item: ItemSchema): ContentWithResolver {
  const headers = csvColumnsOf(item).map((c) => c.header);
  return {
    "application/json": { schema: resolver(list) },
    "text/csv": {
      schema: {
        type: "string",
        description: `With \`?format=csv\` or \`Accept: text/csv\`: UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting, a header line \`${headers.join(",")}\`, then one line per item, every page streamed. Text cells starting with \`=\`, \`+\`, \`-\`, \`@\`, tab or CR are prefixed with \`'\`; lists of values are joined with \`; \`.`,
      },
    },
  };
}

/** Today's date (UTC) for a file name. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

import { CSV_BOM, type CsvColumn, csvHeader, csvRows } from "./csv";
import { errorFields, log } from "./log";

/**
 * Rows per query of an export: a 100,000-row export is 50 queries, inside D1's 1,000 queries per
 * invocation (50 on the free plan), and one page stays around a megabyte.
 */
export const CSV_PAGE_SIZE = 2000;

/** One page of a keyset-paged query: its rows and where the next page starts (null: the last). */
export interface CsvPage<Row, Position> {
  rows: Row[];
  next: Position | null;
}

/**
 * A CSV export as a stream that reads its query one page at a time, as the client takes the bytes:
 * the byte order mark and header, then each page's rows, so a 100,000-row export holds one page
 * and the few encoded pages queued ahead of the client in memory, never the whole result.
 *
 * The first page is read before this returns, so a failing query or a bad position is an ordinary
 * error answer. A failure after that can no longer change the status: the stream errors, the
 * connection ends without the rest, and the client sees a cut-off download rather than a file
 * that looks complete.
 */
export async function csvStream<Row, Position>(opts: {
  columns: readonly CsvColumn<Row>[];
  start: Position | null;
  page: (after: Position | null) => Promise<CsvPage<Row, Position>>;
  /** Says in the log which export failed. */
  what: string;
}): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  let ready: CsvPage<Row, Position> | null = await opts.page(opts.start);
  let prefix = CSV_BOM + csvHeader(opts.columns);
  let next: Position | null = null;
  let pages = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const page = ready ?? (next === null ? null : await opts.page(next));
          ready = null;
          if (page === null) {
            controller.close();
            return;
          }
          pages++;
          controller.enqueue(encoder.encode(prefix + csvRows(opts.columns, page.rows)));
          prefix = "";
          next = page.next;
          if (next === null) controller.close();
        } catch (error) {
          log("error", "csv export failed mid-stream", { what: opts.what, pages, ...errorFields(error) });
          controller.error(error);
        }
      },
    },
    // Up to three encoded pages (a few hundred KB) queued ahead of the client: the next queries
    // overlap sending, and memory stays bounded whatever the size of the export.
    { highWaterMark: 3 },
  );
}

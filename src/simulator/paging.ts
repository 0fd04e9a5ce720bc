import { invalid } from "./errors";
import { type JsonValue, jsonText } from "./json";
import { parseIsoTime } from "./storage";

/** GoTo's paging: page is 0-based (default 0), size defaults to 20 and may be at most 200. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 20;

function intParam(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value)) throw invalid(`${name} must be a whole number.`);
  const n = Number(value);
  if (n < min || n > max) throw invalid(`${name} must be between ${min} and ${max}.`);
  return n;
}

export function pageParams(query: Record<string, string>): { page: number; size: number } {
  return {
    page: intParam(query.page, "page", 0, 0, 1_000_000),
    size: intParam(query.size, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
  };
}

/** The registrant list's own paging: `page` (0-based) and `limit` (not `size`), at most 200. */
export function limitParams(query: Record<string, string>): { page: number; limit: number } {
  return {
    page: intParam(query.page, "page", 0, 0, 1_000_000),
    limit: intParam(query.limit, "limit", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE),
  };
}

/** fromTime and toTime are required ISO-8601 times (an unencoded `+` arrives as a space and fails). */
export function timeRange(query: Record<string, string>, required = true): { from: number; to: number } | null {
  if (!required && query.fromTime === undefined && query.toTime === undefined) return null;
  if (query.fromTime === undefined || query.toTime === undefined) {
    throw invalid("fromTime and toTime are required.");
  }
  const from = parseIsoTime(query.fromTime);
  const to = parseIsoTime(query.toTime);
  if (from === null || to === null)
    throw invalid("fromTime and toTime must be ISO-8601 times, like 2020-03-13T10:00:00Z.");
  if (to < from) throw invalid("toTime must not be before fromTime.");
  return { from, to };
}

/**
 * The HAL-style paged envelope. An empty page leaves `_embedded` out, as GoTo appears to do
 * (n8n checks totalElements before touching `_embedded`), so clients must tolerate its absence.
 */
export function pagedResponse(
  requestUrl: string,
  embeddedKey: string,
  items: JsonValue[],
  total: number,
  page: number,
  size: number,
): Response {
  const totalPages = Math.ceil(total / size);
  const link = (n: number): { href: string } => {
    const url = new URL(requestUrl);
    url.searchParams.set("page", String(n));
    url.searchParams.set("size", String(size));
    return { href: url.toString() };
  };
  const links: Record<string, JsonValue> = { first: link(0), self: link(page) };
  if (page > 0) links.prev = link(page - 1);
  if (page + 1 < totalPages) links.next = link(page + 1);
  links.last = link(Math.max(0, totalPages - 1));
  return jsonText({
    _embedded: items.length > 0 ? { [embeddedKey]: items } : undefined,
    _links: links,
    page: { size, totalElements: total, totalPages, number: page },
  });
}

import * as v from "valibot";
import {
  describeIssues,
  errorFromResponse,
  GoToError,
  GoToNetworkError,
  GoToTimeoutError,
  GoToUnexpectedResponseError,
} from "./errors";
import { parseGoToJson } from "./json";
import type { GoToPage } from "./schemas";

/** `fetch` as the Workers runtime types it; production passes the global, simulator mode the simulator's stub. */
export type FetchFn = typeof fetch;

/** A fixed access token, or a function asked before every request (so a refreshed token is picked up). */
export type AccessTokenSource = string | (() => string | Promise<string>);

export type QueryValue = string | number | boolean | null | undefined;

export interface GoToRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Absolute URL of GoTo's production API; the origin is swapped for `baseUrl`. */
  url: string;
  query?: Record<string, QueryValue>;
  /** Already-serialised JSON body. */
  body?: string;
  /** Names the call in error messages, e.g. "list registrants". */
  context: string;
  accept?: string;
}

export interface Requester {
  /** Sends the request and validates the JSON answer with `schema`. */
  json<T>(request: GoToRequest, schema: v.GenericSchema<unknown, T>): Promise<T>;
  /** Sends the request and expects no body worth reading (204, 202). */
  empty(request: GoToRequest): Promise<void>;
}

export interface RequesterOptions {
  fetch: FetchFn;
  accessToken: AccessTokenSource | null;
  timeoutMs: number;
  /** Replaces GoTo's origin (`https://api.getgo.com`) in every URL. */
  baseUrl: string | null;
}

function isTimeout(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"));
}

/** Wraps a transport failure as a typed error; typed errors pass through. */
export function transportError(error: unknown, signal: AbortSignal, timeoutMs: number, context: string): GoToError {
  if (error instanceof GoToError) return error;
  if (isTimeout(error, signal)) return new GoToTimeoutError(timeoutMs, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new GoToNetworkError(`${context}: request failed: ${detail}`, null, { cause: error });
}

/** Validates parsed JSON, or throws {@link GoToUnexpectedResponseError} naming what differed. */
export function validate<T>(schema: v.GenericSchema<unknown, T>, text: string, status: number, context: string): T {
  const excerpt = text.length > 500 ? `${text.slice(0, 500)}...` : text;
  let json: unknown;
  try {
    json = parseGoToJson(text);
  } catch {
    throw new GoToUnexpectedResponseError(`${context}: GoTo's answer is not JSON`, status, excerpt);
  }
  const result = v.safeParse(schema, json);
  if (!result.success) {
    const issues = describeIssues(result.issues);
    throw new GoToUnexpectedResponseError(
      `${context}: GoTo's answer does not match the reference (${issues.join("; ")})`,
      status,
      excerpt,
      issues,
    );
  }
  return result.output;
}

export function createRequester(options: RequesterOptions): Requester {
  async function send(request: GoToRequest, readBody: boolean): Promise<{ status: number; text: string }> {
    const url = new URL(request.url);
    if (options.baseUrl !== null) {
      const base = new URL(options.baseUrl);
      url.protocol = base.protocol;
      url.host = base.host;
      url.pathname = base.pathname.replace(/\/$/, "") + url.pathname;
    }
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== null && value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers = new Headers({ accept: request.accept ?? "application/json" });
    if (options.accessToken !== null) {
      const token = typeof options.accessToken === "string" ? options.accessToken : await options.accessToken();
      headers.set("authorization", `Bearer ${token}`);
    }
    if (request.body !== undefined) headers.set("content-type", "application/json");

    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await options.fetch(url.toString(), {
        method: request.method,
        headers,
        body: request.body ?? null,
        signal,
      });
      if (!response.ok) throw await errorFromResponse(response, request.context);
      if (!readBody) {
        // An unread body holds one of the 6 outbound connections a Worker invocation may have open.
        await response.body?.cancel();
        return { status: response.status, text: "" };
      }
      return { status: response.status, text: await response.text() };
    } catch (error) {
      throw transportError(error, signal, options.timeoutMs, request.context);
    }
  }

  return {
    async json<T>(request: GoToRequest, schema: v.GenericSchema<unknown, T>): Promise<T> {
      const { status, text } = await send(request, true);
      return validate(schema, text, status, request.context);
    },
    async empty(request: GoToRequest): Promise<void> {
      await send(request, false);
    },
  };
}

/** A key as a path segment. Keys are digits; anything else is a bug upstream, refused before it reaches a URL. */
export function keySegment(key: string, what: string): string {
  if (!/^\d{1,20}$/.test(key))
    throw new TypeError(`${what} must be a GoTo key of decimal digits, got ${JSON.stringify(key)}`);
  return key;
}

/** Upper bound on pages walked, against a server whose totals never stop growing. */
const MAX_PAGES = 10_000;

/**
 * Walks a `_embedded` paged list from page 0 to the last page GoTo reports. Items are de-duplicated
 * by key: offset paging over a list that grows between calls shifts an item onto the next page too.
 */
export async function walkPages<T>(
  fetchPage: (page: number) => Promise<GoToPage<T>>,
  keyOf: (item: T) => string,
): Promise<T[]> {
  const byKey = new Map<string, T>();
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(page);
    for (const item of result.items) if (!byKey.has(keyOf(item))) byKey.set(keyOf(item), item);
    if (result.page === null || result.items.length === 0 || result.page.number + 1 >= result.page.totalPages) break;
  }
  return [...byKey.values()];
}

import * as v from "valibot";
import {
  describeIssues,
  errorFromAnswer,
  GOTO_MAX_ANSWER_BYTES,
  type GoToAnswer,
  GoToBadAnswerError,
  GoToError,
  GoToNetworkError,
  GoToTimeoutError,
  looksLikeHtml,
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

/** Rejects when `signal` aborts, so a `fetch` that ignores the signal cannot outlive the deadline. */
export function underDeadline<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}

/**
 * Reads the whole body as text under the call's deadline and at most `maxBytes` long: a body that
 * trickles past the deadline is a timeout, a larger one a {@link GoToBadAnswerError} (`too_large`).
 * The body is cancelled on every way out but the complete read.
 */
export async function readAnswer(
  response: Response,
  signal: AbortSignal,
  context: string,
  maxBytes = GOTO_MAX_ANSWER_BYTES,
): Promise<GoToAnswer> {
  const tooLarge = (): GoToBadAnswerError =>
    new GoToBadAnswerError(
      `${context}: GoTo's answer is larger than ${maxBytes} bytes`,
      response.status,
      "too_large",
      "",
    );
  const declared = Number(response.headers.get("content-length") ?? "");
  const answer = (text: string): GoToAnswer => ({
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    text,
  });
  if (response.body === null) return answer("");
  const reader = response.body.getReader();
  if (Number.isFinite(declared) && declared > maxBytes) {
    await reader.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await underDeadline(reader.read(), signal);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge();
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  text += decoder.decode();
  if (Number.isFinite(declared) && declared > 0 && size < declared) {
    throw new GoToBadAnswerError(
      `${context}: GoTo's answer ended after ${size} of ${declared} bytes`,
      response.status,
      "truncated",
      excerptOf(text),
    );
  }
  return answer(text);
}

function excerptOf(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}

/** True for JSON text that stops inside a string or before its brackets close: cut off, not malformed. */
export function looksCutOff(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
  }
  return inString || depth > 0;
}

/**
 * Validates a 2xx answer as JSON of `schema`, or throws {@link GoToBadAnswerError} saying how it
 * was unusable: empty, a web page, cut off, not JSON, or fields that differ from the reference.
 */
export function validate<T>(
  schema: v.GenericSchema<unknown, T>,
  answer: Pick<GoToAnswer, "headers" | "text">,
  status: number,
  context: string,
): T {
  const { text, headers } = answer;
  const excerpt = excerptOf(text);
  const bad = (reason: GoToBadAnswerError["reason"], what: string, issues: string[] = []): GoToBadAnswerError =>
    new GoToBadAnswerError(`${context}: ${what}`, status, reason, excerpt, issues);
  if (text.trim() === "") throw bad("empty", "GoTo's answer is empty");
  if (looksLikeHtml({ headers, text })) {
    throw bad("html", `GoTo answered ${status} with a web page (${headers.get("content-type") ?? "no content type"})`);
  }
  let json: unknown;
  try {
    json = parseGoToJson(text);
  } catch {
    if (looksCutOff(text)) throw bad("truncated", "GoTo's answer is cut off");
    throw bad("not_json", "GoTo's answer is not JSON");
  }
  const result = v.safeParse(schema, json);
  if (!result.success) {
    const issues = describeIssues(result.issues);
    throw bad("wrong_fields", `GoTo's answer does not match the reference (${issues.join("; ")})`, issues);
  }
  return result.output;
}

export function createRequester(options: RequesterOptions): Requester {
  async function send(request: GoToRequest, readBody: boolean): Promise<GoToAnswer> {
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

    // One deadline for the whole answer: headers and every byte of the body.
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await underDeadline(
        options.fetch(url.toString(), { method: request.method, headers, body: request.body ?? null, signal }),
        signal,
      );
      if (!response.ok) throw errorFromAnswer(await readAnswer(response, signal, request.context), request.context);
      if (!readBody) {
        // An unread body holds one of the 6 outbound connections a Worker invocation may have open.
        await response.body?.cancel();
        return { status: response.status, statusText: response.statusText, headers: response.headers, text: "" };
      }
      return await readAnswer(response, signal, request.context);
    } catch (error) {
      throw transportError(error, signal, options.timeoutMs, request.context);
    }
  }

  const named = (error: unknown, request: GoToRequest): unknown => {
    if (error instanceof GoToError && error.call === null) error.call = request.context;
    return error;
  };

  return {
    async json<T>(request: GoToRequest, schema: v.GenericSchema<unknown, T>): Promise<T> {
      try {
        const answer = await send(request, true);
        return validate(schema, answer, answer.status, request.context);
      } catch (error) {
        throw named(error, request);
      }
    },
    async empty(request: GoToRequest): Promise<void> {
      try {
        await send(request, false);
      } catch (error) {
        throw named(error, request);
      }
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

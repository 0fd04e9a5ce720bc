import * as v from "valibot";
import { parseGoToJson } from "./json";
import { ApiErrorBodySchema, type GoToApiErrorBody, OAuthErrorBodySchema } from "./schemas";

/**
 * One error class per way a GoTo call fails. Two flags tell a caller (the GoToGateway) what to do:
 * - `retryable`: the failure is transient; the same call may succeed after a back-off.
 * - `mayHaveTakenEffect`: GoTo may have acted on the request (timeouts, 5xx). A non-idempotent call
 *   (create registrant, create webhooks...) must then not be retried blindly; one refused up front
 *   (429, invalid token) can be.
 */
export abstract class GoToError extends Error {
  abstract readonly retryable: boolean;
  abstract readonly mayHaveTakenEffect: boolean;
  /** The call that failed, in words ("list registrants"); set by the requester. */
  call: string | null = null;

  constructor(
    message: string,
    /** HTTP status of GoTo's answer, `null` when there was none (timeout, network). */
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Fields of GoTo's `{errorCode, description, incident}` error body, when it sent one. */
export interface GoToErrorDetails {
  errorCode: string | null;
  description: string | null;
  incident: string | null;
}

const NO_DETAILS: GoToErrorDetails = { errorCode: null, description: null, incident: null };

/** A 4xx/5xx answer from the API. */
export abstract class GoToHttpError extends GoToError {
  readonly errorCode: string | null;
  readonly description: string | null;
  readonly incident: string | null;

  constructor(message: string, status: number, details: GoToErrorDetails = NO_DETAILS) {
    super(message, status);
    this.errorCode = details.errorCode;
    this.description = details.description;
    this.incident = details.incident;
  }
}

/** 403 `{"int_err_code":"InvalidToken"}` (GoTo's answer for a missing, expired or revoked token): refresh, then retry once. */
export class GoToInvalidTokenError extends GoToHttpError {
  readonly retryable = false;
  readonly mayHaveTakenEffect = false;
}

/** 429: over GoTo's rate limit (10 requests/s per API by default). Refused before any effect. */
export class GoToRateLimitedError extends GoToHttpError {
  readonly retryable = true;
  readonly mayHaveTakenEffect = false;

  constructor(
    message: string,
    status: number,
    details: GoToErrorDetails,
    /** From `Retry-After` when GoTo sends it (undocumented), else `null`. */
    readonly retryAfterMs: number | null,
  ) {
    super(message, status, details);
  }
}

/** 409 on create registrant: the e-mail is already registered for the webinar. */
export class GoToDuplicateRegistrantError extends GoToHttpError {
  readonly retryable = false;
  readonly mayHaveTakenEffect = false;

  constructor(
    message: string,
    status: number,
    details: GoToErrorDetails,
    /** The existing registration's key, from the 409 body or (client) a lookup by e-mail; `null` if unknown. */
    readonly registrantKey: string | null,
    readonly joinUrl: string | null,
  ) {
    super(message, status, details);
  }
}

/** 400: GoTo refused the request as invalid (missing required field or question, bad times...); see `description`. */
export class GoToValidationError extends GoToHttpError {
  readonly retryable = false;
  readonly mayHaveTakenEffect = false;
}

/** 404: no such webinar, registrant or session (GoTo also answers 404 for a cancelled webinar). */
export class GoToNotFoundError extends GoToHttpError {
  readonly retryable = false;
  readonly mayHaveTakenEffect = false;
}

/** Any other 4xx (403 other than InvalidToken, 405 cancelling a past webinar, other 409s...). */
export class GoToRequestError extends GoToHttpError {
  readonly retryable = false;
  readonly mayHaveTakenEffect = false;
}

/** 5xx. `htmlPage` when the answer was a web page (a load balancer's or proxy's), not GoTo's JSON. */
export class GoToServerError extends GoToHttpError {
  readonly retryable = true;
  readonly mayHaveTakenEffect = true;

  constructor(
    message: string,
    status: number,
    details: GoToErrorDetails = NO_DETAILS,
    readonly htmlPage = false,
  ) {
    super(message, status, details);
  }
}

/** No complete answer (headers and the whole body) within the call's deadline. */
export class GoToTimeoutError extends GoToError {
  readonly retryable = true;
  readonly mayHaveTakenEffect = true;

  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`GoTo did not finish answering within ${timeoutMs} ms`, null, options);
  }
}

/** The request failed below HTTP (DNS, connection reset...). */
export class GoToNetworkError extends GoToError {
  readonly retryable = true;
  readonly mayHaveTakenEffect = true;
}

/** Why an answer was unusable. */
export type GoToBadAnswerReason =
  | "html"
  | "empty"
  | "truncated"
  | "not_json"
  | "wrong_fields"
  | "too_large"
  | "unexpected_status";

/** The most a GoTo answer may be; a bigger one is refused unread (GoTo's pages are far smaller). */
export const GOTO_MAX_ANSWER_BYTES = 5 * 1024 * 1024;

/**
 * An answer Rollcall cannot use: a web page instead of JSON, an empty or cut-off body, JSON that
 * does not match the reference, one too large to read, an odd status. GoTo (or something in front
 * of it) misbehaved, maybe after acting on the request: retryable like a 5xx, for idempotent calls.
 */
export class GoToBadAnswerError extends GoToError {
  readonly retryable = true;
  readonly mayHaveTakenEffect = true;

  constructor(
    message: string,
    status: number | null,
    readonly reason: GoToBadAnswerReason,
    /** The first 500 characters of the body, for logs. */
    readonly bodyExcerpt: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message, status);
  }
}

/** An RFC 6749 error from the token endpoint (`{error, error_description}`). */
export class GoToOAuthError extends GoToError {
  readonly retryable = false;
  readonly mayHaveTakenEffect = false;

  constructor(
    message: string,
    status: number,
    /** The RFC 6749 `error` code, e.g. `invalid_request`, `unauthorized_client`. */
    readonly error: string,
    readonly errorDescription: string | null,
  ) {
    super(message, status);
  }
}

/** `invalid_grant`: the code or refresh token is invalid, expired, used or revoked. The connector needs re-verification. */
export class GoToInvalidGrantError extends GoToOAuthError {}

/** `invalid_client`: our client id or secret is wrong. A configuration problem, not the organizer's. */
export class GoToInvalidClientError extends GoToOAuthError {}

// ---- mapping raw answers to errors ----------------------------------------------------------

function excerpt(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}

function errorBody(text: string): GoToApiErrorBody | null {
  let json: unknown;
  try {
    json = parseGoToJson(text);
  } catch {
    return null;
  }
  const parsed = v.safeParse(ApiErrorBodySchema, json);
  if (parsed.success) return parsed.output;
  // A body with an odd field still carries a usable errorCode/description.
  const loose = v.safeParse(v.partial(v.object({ errorCode: v.string(), description: v.string() })), json);
  if (!loose.success) return null;
  return {
    errorCode: loose.output.errorCode ?? null,
    description: loose.output.description ?? null,
    message: null,
    incident: null,
    int_err_code: null,
    msg: null,
    registrantKey: null,
    joinUrl: null,
  };
}

function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** An answer as read: status, headers and the body's text. */
export interface GoToAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/** A web page rather than data: by its content type, or by how the body starts. */
export function looksLikeHtml(answer: Pick<GoToAnswer, "headers" | "text">): boolean {
  const type = answer.headers.get("content-type") ?? "";
  return /html/i.test(type) || /^\s*</.test(answer.text);
}

/**
 * Turns a non-2xx API answer into its typed error. `context` names the call, for the message.
 * The body is read here; the caller must not have read it.
 */
export async function errorFromResponse(response: Response, context: string): Promise<GoToError> {
  const text = await response.text().catch(() => "");
  return errorFromAnswer(
    { status: response.status, statusText: response.statusText, headers: response.headers, text },
    context,
  );
}

/** {@link errorFromResponse} for an answer whose body was already read (within the deadline and size bound). */
export function errorFromAnswer(answer: GoToAnswer, context: string): GoToError {
  const { status, text } = answer;
  const body = errorBody(text);
  const details: GoToErrorDetails = {
    errorCode: body?.errorCode ?? body?.int_err_code ?? null,
    description: body?.description ?? body?.message ?? body?.msg ?? null,
    incident: body?.incident === undefined || body?.incident === null ? null : String(body.incident),
  };
  const what = details.description ?? details.errorCode ?? (excerpt(text) || answer.statusText);
  const message = `${context}: GoTo answered ${status}${what ? `: ${what}` : ""}`;

  // GoTo's gateway answers 403 for bad tokens; 401 is not documented but can only mean the same.
  if ((status === 403 && body?.int_err_code === "InvalidToken") || status === 401) {
    return new GoToInvalidTokenError(message, status, details);
  }
  if (status === 429) {
    return new GoToRateLimitedError(
      message,
      status,
      details,
      retryAfterMs(answer.headers.get("retry-after"), Date.now()),
    );
  }
  if (status === 409 && (details.errorCode === "DuplicateRegistrant" || body?.registrantKey)) {
    return new GoToDuplicateRegistrantError(
      message,
      status,
      details,
      body?.registrantKey ?? null,
      body?.joinUrl ?? null,
    );
  }
  if (status === 400) return new GoToValidationError(message, status, details);
  if (status === 404) return new GoToNotFoundError(message, status, details);
  if (status >= 500) return new GoToServerError(message, status, details, body === null && looksLikeHtml(answer));
  if (status >= 400) return new GoToRequestError(message, status, details);
  return new GoToBadAnswerError(`${context}: unexpected status ${status}`, status, "unexpected_status", excerpt(text));
}

/** Turns a non-2xx token-endpoint answer into its typed error (RFC 6749 body, else by status). */
export async function oauthErrorFromResponse(response: Response, context: string): Promise<GoToError> {
  const text = await response.text().catch(() => "");
  return oauthErrorFromAnswer(
    { status: response.status, statusText: response.statusText, headers: response.headers, text },
    context,
  );
}

/** {@link oauthErrorFromResponse} for an answer already read. */
export function oauthErrorFromAnswer(response: GoToAnswer, context: string): GoToError {
  const { status, text } = response;
  let json: unknown = null;
  try {
    json = parseGoToJson(text);
  } catch {
    // Not JSON: judged by status below.
  }
  const parsed = v.safeParse(OAuthErrorBodySchema, json);
  if (parsed.success) {
    const { error, error_description: description } = parsed.output;
    const message = `${context}: ${error}${description ? ` (${description})` : ""}`;
    if (error === "invalid_grant") return new GoToInvalidGrantError(message, status, error, description);
    if (error === "invalid_client") return new GoToInvalidClientError(message, status, error, description);
    if (status === 429) return new GoToRateLimitedError(message, status, NO_DETAILS, null);
    if (status >= 500) return new GoToServerError(message, status);
    return new GoToOAuthError(message, status, error, description);
  }
  const message = `${context}: token endpoint answered ${status}: ${excerpt(text) || response.statusText}`;
  if (status === 429) {
    return new GoToRateLimitedError(
      message,
      status,
      NO_DETAILS,
      retryAfterMs(response.headers.get("retry-after"), Date.now()),
    );
  }
  if (status >= 500)
    return new GoToServerError(message, status, NO_DETAILS, looksLikeHtml({ headers: response.headers, text }));
  return new GoToBadAnswerError(
    message,
    status,
    looksLikeHtml({ headers: response.headers, text }) ? "html" : "not_json",
    excerpt(text),
  );
}

/** Formats valibot issues as `path: message` lines for {@link GoToBadAnswerError}. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.slice(0, 10).map((issue) => `${v.getDotPath(issue) ?? "(root)"}: ${issue.message}`);
}

// ---- in words, for the marketer ------------------------------------------------------------

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

const BAD_ANSWER_WORDS: Record<GoToBadAnswerReason, (status: number | null) => string> = {
  html: (status) => `GoTo answered with a web page instead of data (${status ?? "no status"})`,
  empty: () => "GoTo's answer was empty",
  truncated: () => "GoTo's answer was cut off",
  not_json: () => "GoTo's answer was not readable data",
  wrong_fields: () => "GoTo's answer had fields missing or of the wrong type",
  too_large: () => `GoTo's answer was larger than ${GOTO_MAX_ANSWER_BYTES / 1024 / 1024} MB`,
  unexpected_status: (status) => `GoTo answered with an unexpected status (${status ?? "none"})`,
};

/** The calls in a marketer's words, where the requester's name for them reads oddly. */
const CALL_WORDS: Readonly<Record<string, string>> = {
  "create registrant": "register someone",
  "get registrant": "look up a registrant",
  "delete registrant": "remove a registrant",
  "get me": "confirm the organizer",
  "get webinar": "read a webinar",
  "get registration fields": "read the registration questions",
  "list webinar sessions": "list the sessions",
  "list session attendees": "list a session's attendees",
  "list webinar attendees": "list the attendees",
  "list account webinars": "list the account's webinars",
  "exchange authorization code": "connect the organizer",
  "refresh access token": "renew access",
};

/**
 * One sentence a marketer can read for a failed GoTo call ("GoTo's answer was cut off when asked
 * to list registrants."): what happened, never a stack or a raw body. The message keeps the
 * details for logs.
 */
export function explainGoToError(error: GoToError): string {
  const what = ((): string => {
    if (error instanceof GoToBadAnswerError) return BAD_ANSWER_WORDS[error.reason](error.status);
    if (error instanceof GoToTimeoutError) return `GoTo did not finish answering within ${seconds(error.timeoutMs)}`;
    if (error instanceof GoToServerError) {
      if (error.htmlPage) return `GoTo answered with an HTML error page (${error.status})`;
      return error.status === 503
        ? "GoTo was temporarily unavailable (503)"
        : `GoTo had an internal error (${error.status})`;
    }
    if (error instanceof GoToRateLimitedError) return "GoTo asked Rollcall to slow down (429)";
    if (error instanceof GoToNetworkError) return "Rollcall could not reach GoTo";
    if (error instanceof GoToInvalidTokenError) return "GoTo refused the connector's access token";
    if (error instanceof GoToInvalidGrantError) return "GoTo refused to renew the connector's access";
    if (error instanceof GoToInvalidClientError) return "GoTo did not accept Rollcall's client id or secret";
    if (error instanceof GoToHttpError) {
      const said = error.description ?? error.errorCode;
      return `GoTo refused the request (${error.status}${said ? `: ${said}` : ""})`;
    }
    if (error instanceof GoToOAuthError) return `GoTo's sign-in service refused the request (${error.error})`;
    return "GoTo failed";
  })();
  return `${what}${error.call ? ` when asked to ${CALL_WORDS[error.call] ?? error.call}` : ""}.`;
}

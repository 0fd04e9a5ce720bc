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

/** 5xx. */
export class GoToServerError extends GoToHttpError {
  readonly retryable = true;
  readonly mayHaveTakenEffect = true;
}

/** No answer within the call's timeout. */
export class GoToTimeoutError extends GoToError {
  readonly retryable = true;
  readonly mayHaveTakenEffect = true;

  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`GoTo did not answer within ${timeoutMs} ms`, null, options);
  }
}

/** The request failed below HTTP (DNS, connection reset...). */
export class GoToNetworkError extends GoToError {
  readonly retryable = true;
  readonly mayHaveTakenEffect = true;
}

/** A 2xx (or error) answer whose body is not what the reference says: not JSON, or fails its schema. */
export class GoToUnexpectedResponseError extends GoToError {
  readonly retryable = false;
  readonly mayHaveTakenEffect = true;

  constructor(
    message: string,
    status: number | null,
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

/**
 * Turns a non-2xx API answer into its typed error. `context` names the call, for the message.
 * The body is read here; the caller must not have read it.
 */
export async function errorFromResponse(response: Response, context: string): Promise<GoToError> {
  const status = response.status;
  const text = await response.text().catch(() => "");
  const body = errorBody(text);
  const details: GoToErrorDetails = {
    errorCode: body?.errorCode ?? body?.int_err_code ?? null,
    description: body?.description ?? body?.message ?? body?.msg ?? null,
    incident: body?.incident === undefined || body?.incident === null ? null : String(body.incident),
  };
  const what = details.description ?? details.errorCode ?? (excerpt(text) || response.statusText);
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
      retryAfterMs(response.headers.get("retry-after"), Date.now()),
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
  if (status >= 500) return new GoToServerError(message, status, details);
  if (status >= 400) return new GoToRequestError(message, status, details);
  return new GoToUnexpectedResponseError(`${context}: unexpected status ${status}`, status, excerpt(text));
}

/** Turns a non-2xx token-endpoint answer into its typed error (RFC 6749 body, else by status). */
export async function oauthErrorFromResponse(response: Response, context: string): Promise<GoToError> {
  const status = response.status;
  const text = await response.text().catch(() => "");
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
  if (status >= 500) return new GoToServerError(message, status);
  return new GoToUnexpectedResponseError(message, status, excerpt(text));
}

/** Formats valibot issues as `path: message` lines for {@link GoToUnexpectedResponseError}. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.slice(0, 10).map((issue) => `${v.getDotPath(issue) ?? "(root)"}: ${issue.message}`);
}

import {
  explainGoToError,
  GoToBadAnswerError,
  GoToDuplicateRegistrantError,
  GoToError,
  GoToInvalidTokenError,
  GoToNotFoundError,
  GoToRateLimitedError,
  GoToServerError,
  GoToTimeoutError,
  GoToValidationError,
} from "../gotowebinar/errors";

/**
 * How a gateway call failed, as plain data: errors thrown across Durable Object RPC lose their
 * class and fields, so the gateway answers with a result instead and callers switch on `kind`.
 * For GoTo's failures `message` is one sentence for the marketer (explainGoToError), shown on the
 * webinar and connector pages; the technical message goes to the log.
 */
export type GatewayFailure =
  | { kind: "not_connected"; message: string }
  | { kind: "needs_reverification"; message: string }
  | { kind: "paused"; message: string }
  | { kind: "duplicate_registrant"; message: string; registrantKey: string | null }
  | { kind: "validation"; message: string; description: string | null }
  | { kind: "not_found"; message: string }
  | { kind: "rate_limited" | "server" | "timeout" | "bad_answer" | "transport"; message: string; retryable: true }
  | { kind: "failed"; message: string; status: number | null };

export type GatewayResult<T> = { ok: true; value: T } | { ok: false; error: GatewayFailure };

/** A gateway call that failed, carried as an error through a job (its kind decides the retry). */
export class GatewayCallError extends Error {
  constructor(readonly failure: GatewayFailure) {
    super(failure.message);
    this.name = "GatewayCallError";
  }
}

/** The value of a gateway call that worked; a failure is thrown as a {@link GatewayCallError}. */
export function unwrapGatewayResult<T>(result: GatewayResult<T>): T {
  if (!result.ok) throw new GatewayCallError(result.error);
  return result.value;
}

export class NeedsReverificationError extends Error {
  constructor() {
    super("GoTo refused the refresh token: verify the connector again.");
    this.name = "NeedsReverificationError";
  }
}

export class PausedError extends Error {
  constructor() {
    super("The connector is paused: GoTo calls wait until it is resumed.");
    this.name = "PausedError";
  }
}

export class NotConnectedError extends Error {
  constructor() {
    super("This connector has no GoTo tokens yet: verify it first.");
    this.name = "NotConnectedError";
  }
}

export function toFailure(error: unknown): GatewayFailure {
  if (error instanceof NeedsReverificationError) return { kind: "needs_reverification", message: error.message };
  if (error instanceof NotConnectedError) return { kind: "not_connected", message: error.message };
  if (error instanceof PausedError) return { kind: "paused", message: error.message };
  if (!(error instanceof GoToError)) {
    return { kind: "failed", message: error instanceof Error ? error.message : String(error), status: null };
  }
  const message = explainGoToError(error);
  if (error instanceof GoToDuplicateRegistrantError) {
    return { kind: "duplicate_registrant", message, registrantKey: error.registrantKey };
  }
  if (error instanceof GoToValidationError) return { kind: "validation", message, description: error.description };
  if (error instanceof GoToNotFoundError) return { kind: "not_found", message };
  if (error instanceof GoToRateLimitedError) return { kind: "rate_limited", message, retryable: true };
  if (error instanceof GoToServerError) return { kind: "server", message, retryable: true };
  if (error instanceof GoToTimeoutError) return { kind: "timeout", message, retryable: true };
  if (error instanceof GoToBadAnswerError) return { kind: "bad_answer", message, retryable: true };
  if (error instanceof GoToInvalidTokenError) return { kind: "needs_reverification", message };
  return error.retryable
    ? { kind: "transport", message, retryable: true }
    : { kind: "failed", message, status: error.status };
}

/** The sentence a page shows for any failure (GoTo's in words, ours as they are). */
export function explainFailure(error: unknown): string {
  return toFailure(error).message;
}

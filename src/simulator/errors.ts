import { newIncident } from "./storage";

/**
 * A failure the simulator answers on purpose. GoTo's REST paths turn it into GoTo's business error
 * body (`errorCode`, `description`, `incident`, plus `extra`); the control API into Rollcall's
 * `{ error: { code, message } }`.
 */
export class SimError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 409 | 422,
    readonly errorCode: string,
    message: string,
    readonly extra: Record<string, import("./json").JsonValue> = {},
  ) {
    super(message);
    this.name = "SimError";
  }
}

export function notFound(what = "Webinar with specified key does not exist."): SimError {
  return new SimError(404, "NotFound", what);
}

export function invalid(message: string): SimError {
  return new SimError(400, "InvalidRequest", message);
}

/** GoTo's business error body. */
export function goToErrorBody(error: SimError): Record<string, import("./json").JsonValue> {
  return { errorCode: error.errorCode, description: error.message, incident: newIncident(), ...error.extra };
}

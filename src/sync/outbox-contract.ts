import type { GoToNewRegistrant } from "../gotowebinar/client";

/**
 * The contract between the forms (which record a registration) and the webinar's outbox (which
 * pushes it to GoTo). The caller has already written, in one D1 batch, the submission, the
 * prospect, the Registered activity and the `registrations` row with status `pending`; it then
 * calls `env.WEBINAR_SYNC.getByName(webinarId).register(request)`, which stores the request
 * durably in the Durable Object before it returns and pushes it to GoTo within seconds, in order.
 * The outbox then updates that `registrations` row: `registered`/`waiting`/`approved` with the
 * registrant key and join URL, or `error` with GoTo's reason. Calling `register` twice with the same
 * `registrationId` queues it once.
 */
export interface RegistrationRequest {
  /** The `registrations` row (status `pending`) this push completes. */
  registrationId: string;
  webinarId: string;
  prospectId: string;
  /** What GoTo's create-registrant call gets: email, names, the optional fields and `responses`. */
  registrant: GoToNewRegistrant;
  /**
   * Set by a new submission that found this registration cancelled or refused by GoTo and set it
   * back to `pending`: a finished outbox entry for the same registrationId is queued again with
   * this request (a waiting one is left as it is). A double submit never sets it.
   */
  requeue?: boolean;
}

export interface RegistrationQueued {
  /** False when this registrationId was already queued or pushed (a double submit, a retry). */
  queued: boolean;
  /** Requests ahead of it in this webinar's outbox. */
  position: number;
}

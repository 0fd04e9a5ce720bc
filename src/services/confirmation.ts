import { createDb } from "../db/client";
import { type ConfirmationRow, findConfirmation } from "../db/queries/registrations";
import { calendarFile } from "../domain/ics";
import { webinarSessions } from "../domain/webinars";
import { openToken, sealToken } from "../lib/sealed-token";

/** A confirmation link works for half an hour after the submission; GoTo's email is the lasting copy. */
export const CONFIRMATION_MAX_AGE_MS = 30 * 60_000;
/** How long the thank-you page waits for GoTo's answer before it says the email will follow. */
export const CONFIRMATION_WAIT_MS = 6_000;
const PURPOSE = "registration-confirmation";

export type ConfirmationWebinar = Omit<ConfirmationRow, "status" | "joinUrl">;

/**
 * Where a visitor's registration stands, in the words the thank-you page needs: `joined` has the
 * join link GoTo gave; `pending` is still on its way to GoTo (`late` once the wait is over);
 * `approval` waits for the organizer; `emailed` is registered without a link we can show;
 * `refused` GoTo did not accept it; `inactive` is denied or cancelled since.
 */
export interface RegistrationConfirmation {
  kind: "joined" | "pending" | "approval" | "emailed" | "refused" | "inactive";
  joinUrl: string | null;
  late: boolean;
  registrationId: string;
  webinar: ConfirmationWebinar;
}

/** A token that does not open (changed or not ours), one too old, or one whose registration is gone. */
export interface ConfirmationRefusal {
  kind: "invalid" | "expired" | "gone";
}

export type Confirmation = RegistrationConfirmation | ConfirmationRefusal;

export function isRefusal(c: Confirmation): c is ConfirmationRefusal {
  return c.kind === "invalid" || c.kind === "expired" || c.kind === "gone";
}

export function confirmationToken(env: Env, registrationId: string, now: number): Promise<string> {
  return sealToken(env.SECRETS_KEY, PURPOSE, { r: registrationId }, now);
}

function isPayload(p: unknown): p is { r: string } {
  return typeof p === "object" && p !== null && typeof (p as { r?: unknown }).r === "string";
}

/** Only an https link GoTo gave is shown: anything else in its answer is not a join link. */
function safeJoinUrl(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export async function readConfirmation(env: Env, token: string, now: number): Promise<Confirmation> {
  const opened = await openToken(env.SECRETS_KEY, PURPOSE, token, {
    now,
    maxAgeMs: CONFIRMATION_MAX_AGE_MS,
    check: isPayload,
  });
  if (!opened.ok) return { kind: opened.reason };
  const registrationId = opened.payload.r;
  const row = await findConfirmation(createDb(env.DB), registrationId);
  if (!row) return { kind: "gone" };
  const { status, joinUrl: rawJoin, ...webinar } = row;
  const joinUrl = safeJoinUrl(rawJoin);
  const late = now - opened.issuedAt > CONFIRMATION_WAIT_MS;
  const base = { joinUrl, late, registrationId, webinar };
  switch (status) {
    case "pending":
      return { kind: "pending", ...base };
    case "waiting":
      return { kind: "approval", ...base };
    case "registered":
    case "approved":
      return { kind: joinUrl ? "joined" : "emailed", ...base };
    case "error":
      return { kind: "refused", ...base };
    default:
      return { kind: "inactive", ...base };
  }
}

/** The registration's calendar file: every session of the webinar, with the join link once GoTo gave it. */
export function confirmationCalendar(
  c: { registrationId: string; joinUrl: string | null; webinar: ConfirmationWebinar },
  host: string,
  now: Date,
): string {
  const sessions = webinarSessions(c.webinar);
  return calendarFile({
    uid: c.registrationId,
    host,
    subject: c.webinar.subject,
    description: c.webinar.description,
    sessions: sessions.length > 0 ? sessions : [{ startTime: c.webinar.startsAt, endTime: c.webinar.endsAt }],
    timeZone: c.webinar.timeZone,
    joinUrl: c.joinUrl,
    now,
  });
}

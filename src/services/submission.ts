import { createDb } from "../db/client";
import { cachedFilterRules } from "../db/queries/filters";
import {
  recordAcceptedSubmission,
  recordFilteredSubmission,
  type SubmissionInput,
  submissionDedupeKey,
} from "../db/queries/submissions";
import { matchFilter } from "../domain/filters";
import { goToRegistrant, prospectUpdate, validateSubmission } from "../domain/form-submission";
import { type FormAction, type FormField, registerAction } from "../domain/forms";
import type { Env } from "../env";
import { errorFields, log } from "../lib/log";
import type { RegistrationRequest } from "../sync/outbox-contract";

export interface SubmissionSource {
  formId: string | null;
  handlerId: string | null;
  fields: FormField[];
  actions: FormAction[];
}

export interface SubmissionMeta {
  ip: string | null;
  utm: Record<string, string>;
  referrer: string | null;
  now: Date;
}

export type SubmissionOutcome =
  | { kind: "invalid"; errors: Record<string, string>; values: Record<string, string> }
  | { kind: "rate_limited" }
  | { kind: "filtered"; reason: string }
  | {
      kind: "accepted";
      submissionId: string;
      prospectId: string | null;
      registrationId: string | null;
      duplicate: boolean;
    };

/**
 * One submission, from a Rollcall form or a form handler: rate limit, validation, filters, then
 * the one D1 batch and the hand-off to the webinar's outbox. Nothing here waits for GoTo.
 */
export async function processSubmission(
  env: Env,
  source: SubmissionSource,
  body: Record<string, string>,
  meta: SubmissionMeta,
): Promise<SubmissionOutcome> {
  const db = createDb(env.DB);
  // The platform's limiter counts per location and approximately, with no storage write: enough
  // to stop a flood from one address, which is all it is for.
  if (meta.ip) {
    const { success } = await env.FORM_LIMITER.limit({ key: `${source.formId ?? source.handlerId}:${meta.ip}` });
    if (!success) return { kind: "rate_limited" };
  }
  const action = registerAction(source.actions);
  const checked = validateSubmission(source.fields, body, action);
  if (!checked.ok) return { kind: "invalid", errors: checked.errors, values: body };

  const input: SubmissionInput = {
    formId: source.formId,
    handlerId: source.handlerId,
    email: checked.email,
    values: checked.values,
    utm: meta.utm,
    referrer: meta.referrer,
    ip: meta.ip,
    dedupeKey: await submissionDedupeKey(source.formId ?? source.handlerId ?? "", checked.email, checked.values),
    now: meta.now.toISOString(),
  };
  const reason = matchFilter(await cachedFilterRules(db, meta.now.getTime()), { ip: meta.ip, email: checked.email });
  if (reason) {
    await recordFilteredSubmission(db, input, reason);
    return { kind: "filtered", reason };
  }
  const registrant = action ? goToRegistrant(source.fields, checked.values, action) : null;
  const recorded = await recordAcceptedSubmission(db, env.DB, {
    ...input,
    prospect: prospectUpdate(source.fields, checked.values),
    actions: source.actions,
    pushRequest: registrant ? JSON.stringify(registrant) : null,
  });
  const registration = recorded.registration;
  // A double submit re-offers a still-pending registration: register() queues a registrationId once.
  // If this hand-off fails, the connector's sweep offers the pending row again (src/sync/handoff-sweep.ts).
  if (registrant && registration && recorded.prospectId && registration.status === "pending") {
    const request: RegistrationRequest = {
      registrationId: registration.id,
      webinarId: registration.webinarId,
      prospectId: recorded.prospectId,
      registrant,
      // A new submission for a cancelled or refused registration (reset to pending above) goes to GoTo again.
      requeue: !recorded.duplicate,
    };
    try {
      const outbox = env.WEBINAR_SYNC.getByName(registration.webinarId);
      await outbox.register(request);
    } catch (error) {
      // The registration is already stored as pending in D1; the visitor's answer does not depend on GoTo.
      log("error", "outbox register failed", { registrationId: registration.id, ...errorFields(error) });
    }
  }
  return {
    kind: "accepted",
    submissionId: recorded.submissionId,
    prospectId: recorded.prospectId,
    registrationId: registration?.id ?? null,
    duplicate: recorded.duplicate,
  };
}

import { createDb } from "../db/client";
import {
  type PlannedActivity,
  planActivity,
  SCORE_ADJUSTED,
  WEBINAR_ACTIVITY_TYPES,
  webinarActivityKey,
} from "../db/queries/activities";
import { cachedCriteriaInForce } from "../db/queries/criteria";
import { cachedFilterRules } from "../db/queries/filters";
import { cachedScoringRules } from "../db/queries/scoring";
import { recordAcceptedSubmission, recordFilteredSubmission, type SubmissionInput } from "../db/queries/submissions";
import { matchFilter } from "../domain/filters";
import { goToRegistrant, prospectUpdate, submissionDedupeKey, validateSubmission } from "../domain/form-submission";
import { type FormAction, type FormField, type RegisterAction, registerAction } from "../domain/forms";
import { newId } from "../lib/encoding";
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
 * One submission, from a Rollcall form or a form handler. Everything that needs no write comes
 * first: the rate limit, validation, the dedupe key, the filters and scoring rules (each read from
 * a short per-isolate copy), the filter match, the prospect's fields, the activities and GoTo's
 * body. Then one D1 batch, and one hand-off to the webinar's outbox. Nothing here waits for GoTo.
 */
export async function processSubmission(
  env: Env,
  source: SubmissionSource,
  body: Record<string, string>,
  meta: SubmissionMeta,
): Promise<SubmissionOutcome> {
  // The platform's limiter counts per location and approximately, with no storage write: enough
  // to stop a flood from one address, which is all it is for.
  if (meta.ip) {
    const { success } = await env.FORM_LIMITER.limit({ key: `${source.formId ?? source.handlerId}:${meta.ip}` });
    if (!success) return { kind: "rate_limited" };
  }
  const action = registerAction(source.actions);
  const checked = validateSubmission(source.fields, body, action);
  if (!checked.ok) return { kind: "invalid", errors: checked.errors, values: body };

  const db = createDb(env.DB);
  const now = meta.now.toISOString();
  const [dedupeKey, filters, rules, inForce] = await Promise.all([
    submissionDedupeKey(source.formId ?? source.handlerId ?? "", checked.email, checked.values),
    cachedFilterRules(db, meta.now.getTime()),
    cachedScoringRules(db, meta.now.getTime()),
    cachedCriteriaInForce(db, meta.now.getTime()),
  ]);
  const input: SubmissionInput = {
    formId: source.formId,
    handlerId: source.handlerId,
    email: checked.email,
    values: checked.values,
    utm: meta.utm,
    referrer: meta.referrer,
    ip: meta.ip,
    dedupeKey,
    now,
  };
  const reason = matchFilter(filters, { ip: meta.ip, email: checked.email });
  if (reason) {
    await recordFilteredSubmission(db, input, reason);
    return { kind: "filtered", reason };
  }

  const submissionId = newId("sub");
  const registrant = action ? goToRegistrant(source.fields, checked.values, action) : null;
  const recorded = await recordAcceptedSubmission(db, {
    ...input,
    submissionId,
    prospect: prospectUpdate(source.fields, checked.values),
    actions: source.actions,
    pushRequest: registrant ? JSON.stringify(registrant) : null,
    activities: submissionActivities(submissionId, source, action, rules, now),
    inForce,
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
      await env.WEBINAR_SYNC.getByName(registration.webinarId).register(request);
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

/**
 * What an accepted submission records, scored by the rules in force: Form submitted, Registered
 * for the webinar of its registration action, and the points of an "adjust score" action.
 */
function submissionActivities(
  submissionId: string,
  source: SubmissionSource,
  register: RegisterAction | null,
  rules: ReadonlyMap<string, number>,
  now: string,
): PlannedActivity[] {
  const detail = source.formId ?? source.handlerId;
  const at = { occurredAt: now, createdAt: now };
  const activities = [
    planActivity(
      { webinarId: null, type: "form_submitted", dedupeKey: `submission:${submissionId}`, detail, ...at },
      rules,
    ),
  ];
  if (register) {
    // The dedupe key is the one ingestion uses for a registrant it finds, so a poll never doubles it.
    activities.push(
      planActivity(
        {
          webinarId: register.webinarId,
          type: WEBINAR_ACTIVITY_TYPES.registered,
          dedupeKey: webinarActivityKey(register.webinarId, "registered"),
          detail: "form",
          ...at,
        },
        rules,
      ),
    );
  }
  for (const action of source.actions) {
    if (action.type !== "adjust_score") continue;
    activities.push(
      planActivity(
        {
          webinarId: null,
          type: SCORE_ADJUSTED,
          points: action.points,
          dedupeKey: `submission:${submissionId}:score`,
          detail,
          ...at,
        },
        rules,
      ),
    );
  }
  return activities;
}

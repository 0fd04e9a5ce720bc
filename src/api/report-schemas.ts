import * as v from "valibot";
import { LIST_PARAMS } from "./list-response";

/**
 * Shapes of the webinar and prospect routes of the JSON API. The same schemas validate the
 * queries and describe the answers in openapi.json.
 */

const IsoTime = v.pipe(v.string(), v.description("ISO-8601 UTC"));

export const WebinarListQuery = v.object({
  status: v.optional(
    v.picklist(["upcoming", "finished", "all"], "status must be one of upcoming, finished or all."),
    "all",
  ),
  ...LIST_PARAMS,
});

export const RegistrantListQuery = v.object({
  status: v.optional(
    v.picklist(["registered", "attended", "absent"], "status must be one of registered, attended or absent."),
    "registered",
  ),
  ...LIST_PARAMS,
});

export const ProspectListQuery = v.object({
  email: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.nonEmpty("email must not be empty; leave it out to list every prospect."),
      v.maxLength(254, "email must be at most 254 characters."),
    ),
  ),
  ...LIST_PARAMS,
});

export const IdParam = v.object({
  id: v.pipe(v.string(), v.maxLength(100, "id is at most 100 characters.")),
});

export const Counts = v.object({
  registered: v.number(),
  accepted: v.number(),
  attended: v.number(),
  absent: v.pipe(v.number(), v.description("Registered and not attended, once every session has ended; 0 before.")),
});

export const Webinar = v.object({
  id: v.string(),
  connector_id: v.string(),
  webinar_key: v.pipe(v.string(), v.description("GoTo's 64-bit key as decimal digits")),
  subject: v.string(),
  starts_at: IsoTime,
  ends_at: IsoTime,
  time_zone: v.nullable(v.string()),
  status: v.picklist(["upcoming", "in_progress", "finished", "cancelled"]),
  counts: Counts,
  last_synced_at: v.nullable(IsoTime),
  next_sync_at: v.nullable(IsoTime),
});

export const WebinarList = v.object({ data: v.array(Webinar), next_cursor: v.nullable(v.string()) });

export const Registrant = v.object({
  prospect_id: v.string(),
  email: v.string(),
  first_name: v.nullable(v.string()),
  last_name: v.nullable(v.string()),
  status: v.picklist(["pending", "registered", "waiting", "approved", "denied", "error", "cancelled"]),
  attended: v.boolean(),
  minutes_attended: v.number(),
  registered_at: IsoTime,
  source: v.picklist(["form", "gotowebinar"]),
});

export const RegistrantList = v.object({ data: v.array(Registrant), next_cursor: v.nullable(v.string()) });

export const Prospect = v.object({
  id: v.string(),
  email: v.string(),
  first_name: v.nullable(v.string()),
  last_name: v.nullable(v.string()),
  company: v.nullable(v.string()),
  score: v.number(),
  campaign: v.pipe(v.nullable(v.string()), v.description("The campaign's name")),
  created_at: IsoTime,
  merged_emails: v.pipe(v.array(v.string()), v.description("Emails of prospects merged into this one")),
});

export const ProspectList = v.object({ data: v.array(Prospect), next_cursor: v.nullable(v.string()) });

export const Activity = v.object({
  type: v.pipe(
    v.string(),
    v.description(
      "webinar_registered, webinar_accepted, webinar_attended, webinar_registration_denied, webinar_registration_cancelled, webinar_poll_answered, webinar_survey_completed, webinar_question_asked, form_submitted, score_adjusted (a form's or a rule's), rule_action (an automation rule added or removed a tag or list membership, or assigned a campaign)",
    ),
  ),
  webinar_id: v.nullable(v.string()),
  occurred_at: IsoTime,
  points: v.pipe(v.number(), v.description("Points the activity added to the score; 0 for rule_action")),
  detail: v.pipe(
    v.nullable(v.string()),
    v.description("What happened, in words (the webinar, the form, the rule's action)"),
  ),
  rule_id: v.pipe(
    v.nullable(v.string()),
    v.description("The automation rule that took it, for rule actions and their score adjustments"),
  ),
});

export const ProspectRegistration = v.object({
  webinar_id: v.string(),
  status: Registrant.entries.status,
  attended: v.boolean(),
  minutes_attended: v.number(),
  registered_at: IsoTime,
  source: v.picklist(["form", "gotowebinar"]),
});

export const ProspectWithActivity = v.object({
  ...Prospect.entries,
  activities: v.array(Activity),
  registrations: v.array(ProspectRegistration),
});

import * as v from "valibot";
import { clip, type EngagementItem } from "../domain/engagement";
import { GOTO_WEBHOOK_EVENTS } from "../gotowebinar/constants";
import { parseGoToJson } from "../gotowebinar/json";
import { KeySchema, RegistrantStatusSchema, TimeSchema } from "../gotowebinar/schemas";
import type { IncomingRegistrant } from "./ingest";

/**
 * A GoTo webhook event as Rollcall keeps it: the fields every event has, the keys as strings
 * (parsed losslessly), and the whole payload for ingestion to read what it needs.
 */
const Key = v.pipe(v.string(), v.regex(/^\d{1,20}$/, "keys are decimal digits"));

export const WebhookEventSchema = v.object({
  eventName: v.picklist(GOTO_WEBHOOK_EVENTS, "eventName must be one of GoTo's five webhook events."),
  eventKey: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  eventVersion: v.optional(v.string()),
  product: v.optional(v.string()),
  timestamp: v.optional(v.string()),
  webinarKey: v.optional(Key),
  registrantKey: v.optional(Key),
  email: v.optional(v.pipe(v.string(), v.maxLength(254))),
});

export type WebhookEvent = v.InferOutput<typeof WebhookEventSchema> & { payload: string };

const Name = v.nullish(v.string(), null);

/** What ingestion reads of a `registrant.added` or `registrant.joined` event's payload. */
const RegistrantEventSchema = v.object({
  registrantKey: KeySchema,
  // Any string: ingestion checks it as the forms do, and keeps an invalid one as unmatched with the reason.
  email: v.string(),
  firstName: Name,
  lastName: Name,
  status: v.optional(RegistrantStatusSchema, "APPROVED"),
  joinUrl: v.nullish(v.string(), null),
  registrationDate: v.nullish(TimeSchema, null),
});

/** A webhook event's payload as a registrant for ingestion, or null when it lacks what ingestion needs. */
export function registrantFromEvent(payload: string): IncomingRegistrant | null {
  let json: unknown;
  try {
    json = parseGoToJson(payload);
  } catch {
    return null;
  }
  const parsed = v.safeParse(RegistrantEventSchema, json);
  if (!parsed.success) return null;
  return parsed.output;
}

/**
 * `survey.submitted`: only the keys and the email are sure (the payload is documented in secondary
 * material only); every response without its question text is left out.
 */
const SurveyEventSchema = v.object({
  eventName: v.literal("survey.submitted"),
  sessionKey: KeySchema,
  registrantKey: KeySchema,
  email: v.nullish(v.string(), null),
  timestamp: v.nullish(v.string(), null),
  responses: v.nullish(v.array(v.unknown()), []),
});

const SurveyResponseSchema = v.object({
  question: v.pipe(v.string(), v.trim(), v.nonEmpty()),
  answers: v.nullish(v.unknown(), null),
  answer: v.nullish(v.unknown(), null),
});

function texts(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  return list
    .map((a) => (typeof a === "string" ? a.trim() : typeof a === "number" ? String(a) : ""))
    .filter((a) => a !== "")
    .map(clip);
}

/** A `survey.submitted` payload as engagement items (one per answered question); [] for any other event or an unusable one. */
export function surveyItemsFromEvent(payload: string): EngagementItem[] {
  let json: unknown;
  try {
    json = parseGoToJson(payload);
  } catch {
    return [];
  }
  const parsed = v.safeParse(SurveyEventSchema, json);
  if (!parsed.success) return [];
  const event = parsed.output;
  const time = v.safeParse(TimeSchema, event.timestamp);
  const occurredAt = time.success ? time.output : new Date().toISOString();
  return (event.responses ?? []).flatMap((r) => {
    const response = v.safeParse(SurveyResponseSchema, r);
    if (!response.success) return [];
    const answers = texts(response.output.answers);
    return [
      {
        kind: "survey" as const,
        sessionKey: event.sessionKey,
        registrantKey: event.registrantKey,
        email: event.email,
        question: clip(response.output.question),
        answers: answers.length > 0 ? answers : texts(response.output.answer),
        answer: null,
        occurredAt,
      },
    ];
  });
}

/** True for an event ingestion reads as a registrant (not a survey). */
export function isRegistrantEvent(payload: string): boolean {
  try {
    const json = parseGoToJson(payload) as { eventName?: unknown } | null;
    return json?.eventName !== "survey.submitted";
  } catch {
    return true;
  }
}

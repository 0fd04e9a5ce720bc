import * as v from "valibot";
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
  eventName: v.picklist(GOTO_WEBHOOK_EVENTS, "eventName must be one of GoTo's four webhook events."),
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

import * as v from "valibot";
import { GOTO_WEBHOOK_EVENTS } from "../gotowebinar/constants";

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

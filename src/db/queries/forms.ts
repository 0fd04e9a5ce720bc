import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import * as v from "valibot";
import {
  ActionSchema,
  DEFAULT_THEME,
  type FormAction,
  type FormDefinition,
  type FormField,
  FormFieldSchema,
  type FormTheme,
  parseStored,
  ThemeSchema,
} from "../../domain/forms";
import { newId } from "../../lib/encoding";
import { isolateCache } from "../../lib/isolate-cache";
import type { Db } from "../client";
import { campaigns, formHandlers, forms, lists, submissions, webinars } from "../schema";
import { qualified } from "./qualified";

export type FormRow = typeof forms.$inferSelect;
export type FormHandlerRow = typeof formHandlers.$inferSelect;

/** A stored form with its JSON read back through the domain schemas. */
export interface StoredForm {
  id: string;
  name: string;
  status: "draft" | "live";
  fields: FormField[];
  actions: FormAction[];
  theme: FormTheme;
  thankYouMessage: string | null;
  redirectUrl: string | null;
  updatedAt: string;
}

export function toStoredForm(row: FormRow): StoredForm {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    fields: parseStored(v.array(FormFieldSchema), row.fields, []),
    actions: parseStored(v.array(ActionSchema), row.actions, []),
    theme: parseStored(ThemeSchema, row.theme, DEFAULT_THEME),
    thankYouMessage: row.thankYouMessage,
    redirectUrl: row.redirectUrl,
    updatedAt: row.updatedAt,
  };
}

export async function findForm(db: Db, id: string): Promise<StoredForm | null> {
  const [row] = await db.select().from(forms).where(eq(forms.id, id)).limit(1);
  return row ? toStoredForm(row) : null;
}

/** How long an isolate trusts its copy of a form for the public pages; a save through this module clears it at once. */
export const FORM_CACHE_MS = 10_000;

/** The forms the public pages served lately; a form id nobody has is never kept. */
const publicForms = isolateCache<string, StoredForm | null>({
  ttlMs: FORM_CACHE_MS,
  maxEntries: 500,
  keep: (form) => form !== null,
});

/**
 * A form as the public page and its posts read it: from the isolate's copy when it is under 10 s
 * old, else from D1. A change saved in another isolate shows within that time.
 */
export async function cachedForm(db: Db, id: string, now: number): Promise<StoredForm | null> {
  return publicForms.get(id, now, () => findForm(db, id));
}

export async function listForms(
  db: Db,
): Promise<(Pick<FormRow, "id" | "name" | "status" | "updatedAt"> & { accepted: number; filtered: number })[]> {
  return db
    .select({
      id: forms.id,
      name: forms.name,
      status: forms.status,
      updatedAt: forms.updatedAt,
      accepted: sql<number>`(SELECT count(*) FROM ${submissions} WHERE ${submissions.formId} = ${qualified(forms.id)} AND ${submissions.status} = 'accepted')`,
      filtered: sql<number>`(SELECT count(*) FROM ${submissions} WHERE ${submissions.formId} = ${qualified(forms.id)} AND ${submissions.status} = 'filtered')`,
    })
    .from(forms)
    .orderBy(desc(forms.updatedAt));
}

export interface FormSave extends FormDefinition {
  name: string;
  status: "draft" | "live";
  thankYouMessage: string | null;
  redirectUrl: string | null;
}

export async function saveForm(
  db: Db,
  id: string | null,
  input: FormSave,
  userId: string | null,
  now: string,
): Promise<string> {
  const values = {
    name: input.name,
    status: input.status,
    fields: JSON.stringify(input.fields),
    actions: JSON.stringify(input.actions),
    theme: JSON.stringify(input.theme),
    thankYouMessage: input.thankYouMessage,
    redirectUrl: input.redirectUrl,
    updatedAt: now,
  };
  if (id) {
    await db.update(forms).set(values).where(eq(forms.id, id));
    publicForms.forget();
    return id;
  }
  const created = newId("frm");
  await db.insert(forms).values({ id: created, createdBy: userId, ...values });
  return created;
}

export interface UpcomingWebinar {
  id: string;
  connectorId: string;
  webinarKey: string;
  subject: string;
  startsAt: string;
}

/** Webinars a form may register for: scheduled and not yet started. */
export async function listUpcomingWebinars(db: Db, now: string): Promise<UpcomingWebinar[]> {
  return db
    .select({
      id: webinars.id,
      connectorId: webinars.connectorId,
      webinarKey: webinars.webinarKey,
      subject: webinars.subject,
      startsAt: webinars.startsAt,
    })
    .from(webinars)
    .where(and(eq(webinars.status, "scheduled"), gt(webinars.startsAt, now)))
    .orderBy(asc(webinars.startsAt))
    .limit(500);
}

export async function findWebinarForForm(db: Db, id: string): Promise<(UpcomingWebinar & { status: string }) | null> {
  const [row] = await db
    .select({
      id: webinars.id,
      connectorId: webinars.connectorId,
      webinarKey: webinars.webinarKey,
      subject: webinars.subject,
      startsAt: webinars.startsAt,
      status: webinars.status,
    })
    .from(webinars)
    .where(eq(webinars.id, id))
    .limit(1);
  return row ?? null;
}

/**
 * What is wrong with the targets of a form's or handler's completion actions, by the control that
 * picks each one: a webinar that does not exist or is not upcoming, a list or campaign that
 * does not exist. A hand-made post can name any id; a saved action must point at something.
 */
export async function actionTargetErrors(db: Db, actions: FormAction[], now: string): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  for (const action of actions) {
    if (action.type === "register_webinar") {
      const webinar = await findWebinarForForm(db, action.webinarId);
      if (!webinar) errors.register_webinar = "This webinar is not in Rollcall: pick an upcoming one from the list.";
      else if (webinar.status !== "scheduled" || webinar.startsAt <= now)
        errors.register_webinar = "Pick an upcoming webinar: this one has started, ended or was cancelled.";
    } else if (action.type === "add_to_list") {
      const [row] = await db
        .select({ id: lists.id, kind: lists.kind })
        .from(lists)
        .where(eq(lists.id, action.listId))
        .limit(1);
      if (!row) errors.add_to_list = "This list does not exist (any more): pick one from the list.";
      // A dynamic list's members are the prospects matching its criteria; nobody is added to it.
      else if (row.kind !== "static")
        errors.add_to_list = "Pick a static list: a dynamic list fills itself from its criteria.";
    } else if (action.type === "assign_campaign") {
      const [row] = await db
        .select({ id: campaigns.id })
        .from(campaigns)
        .where(eq(campaigns.id, action.campaignId))
        .limit(1);
      if (!row) errors.assign_campaign = "This campaign does not exist (any more): pick one from the list.";
    }
  }
  return errors;
}

// ---- form handlers ---------------------------------------------------------------------------

export interface StoredHandler {
  id: string;
  name: string;
  /** The customer's field name → our field key (a prospect field or `custom_<name>`). */
  fieldMap: Record<string, string>;
  actions: FormAction[];
  successUrl: string;
  errorUrl: string;
  allowedOrigins: string[];
}

export function toStoredHandler(row: FormHandlerRow): StoredHandler {
  return {
    id: row.id,
    name: row.name,
    fieldMap: parseStored(v.record(v.string(), v.string()), row.fieldMap, {}),
    actions: parseStored(v.array(ActionSchema), row.actions, []),
    successUrl: row.successUrl,
    errorUrl: row.errorUrl,
    allowedOrigins: parseStored(v.array(v.string()), row.allowedOrigins, []),
  };
}

export async function findHandler(db: Db, id: string): Promise<StoredHandler | null> {
  const [row] = await db.select().from(formHandlers).where(eq(formHandlers.id, id)).limit(1);
  return row ? toStoredHandler(row) : null;
}

/** The handlers posted to lately, kept like the public forms; a handler id nobody has is never kept. */
const postedHandlers = isolateCache<string, StoredHandler | null>({
  ttlMs: FORM_CACHE_MS,
  maxEntries: 500,
  keep: (handler) => handler !== null,
});

/** A form handler as its posts read it: the isolate's copy when under 10 s old, else D1. */
export async function cachedHandler(db: Db, id: string, now: number): Promise<StoredHandler | null> {
  return postedHandlers.get(id, now, () => findHandler(db, id));
}

export async function listHandlers(db: Db): Promise<(StoredHandler & { accepted: number })[]> {
  const rows = await db
    .select({
      row: formHandlers,
      accepted: sql<number>`(SELECT count(*) FROM ${submissions} WHERE ${submissions.handlerId} = ${qualified(formHandlers.id)} AND ${submissions.status} = 'accepted')`,
    })
    .from(formHandlers)
    .orderBy(desc(formHandlers.updatedAt));
  return rows.map((r) => ({ ...toStoredHandler(r.row), accepted: r.accepted }));
}

export async function saveHandler(
  db: Db,
  id: string | null,
  input: Omit<StoredHandler, "id">,
  now: string,
): Promise<string> {
  const values = {
    name: input.name,
    fieldMap: JSON.stringify(input.fieldMap),
    actions: JSON.stringify(input.actions),
    successUrl: input.successUrl,
    errorUrl: input.errorUrl,
    allowedOrigins: JSON.stringify(input.allowedOrigins),
    updatedAt: now,
  };
  if (id) {
    await db.update(formHandlers).set(values).where(eq(formHandlers.id, id));
    postedHandlers.forget();
    return id;
  }
  const created = newId("fh");
  await db.insert(formHandlers).values({ id: created, ...values });
  return created;
}

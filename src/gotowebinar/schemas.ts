import * as v from "valibot";
import { GOTO_FORM_FIELDS, type GoToFormField } from "./constants";

/**
 * Schemas for every GoTo response Rollcall reads, applied after {@link parseGoToJson} (so keys sent
 * as big numbers already arrive here as digit strings). They strip unknown fields, turn absent or
 * null optional fields into `null`, and normalise times to `Date#toISOString()` form so stored
 * times compare as strings. Field names follow GoTo except where noted.
 */

// ---- building blocks --------------------------------------------------------------------------

/** A GoTo key: an int64 as exact decimal digits. A bare number here means the field is missing from GOTO_KEY_FIELDS. */
export const KeySchema = v.pipe(v.string(), v.regex(/^\d{1,20}$/, "a GoTo key of decimal digits"));

/** Like KeySchema, but some responses send "" (the legacy token response's blank `account_key`). */
const OptionalKeySchema = v.pipe(
  v.nullish(v.string(), null),
  v.transform((s) => (s === null || s.trim() === "" ? null : s)),
  v.nullable(KeySchema),
);

const ISO_UTC_LIKE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO-8601 time with a zone (GoTo sends `...Z`, sometimes with milliseconds); normalised to `toISOString()`. */
export const TimeSchema = v.pipe(
  v.string(),
  v.regex(ISO_UTC_LIKE, "an ISO-8601 time with a zone"),
  v.check((s) => !Number.isNaN(Date.parse(s)), "a valid time"),
  v.transform((s) => new Date(s).toISOString()),
);

const Int = v.pipe(v.number(), v.integer());
const optional = <S extends v.GenericSchema>(schema: S) => v.nullish(schema, null);
const Text = optional(v.string());

export const RegistrantStatusSchema = v.pipe(
  v.string(),
  v.toUpperCase(),
  v.picklist(["APPROVED", "WAITING", "DENIED"]),
);
export type GoToRegistrantStatus = v.InferOutput<typeof RegistrantStatusSchema>;

export const ApprovalTypeSchema = v.pipe(v.string(), v.toUpperCase(), v.picklist(["AUTOMATIC", "MANUAL"]));

export const TimeRangeSchema = v.object({ startTime: TimeSchema, endTime: TimeSchema });
export type GoToTimeRange = v.InferOutput<typeof TimeRangeSchema>;

// ---- paged `_embedded` envelope (W1, W2, S1, S2, A1) ------------------------------------------

export interface GoToPageInfo {
  /** 0-based page number. */
  number: number;
  size: number;
  totalElements: number;
  totalPages: number;
}

export interface GoToPage<T> {
  items: T[];
  /** `null` when GoTo sent no `page` object (then the response is all there is). */
  page: GoToPageInfo | null;
}

const PageInfoSchema = v.object({ size: Int, totalElements: Int, totalPages: Int, number: Int });

/**
 * `{ _embedded: { <name>: [...] }, _links, page }`. GoTo appears to drop `_embedded` entirely on
 * an empty result (n8n checks `totalElements` before touching it), so absence means no items.
 */
export function pagedEnvelopeSchema<T>(
  embeddedName: string,
  item: v.GenericSchema<unknown, T>,
): v.GenericSchema<unknown, GoToPage<T>> {
  return v.pipe(
    v.object({
      _embedded: optional(v.record(v.string(), v.unknown())),
      page: optional(PageInfoSchema),
    }),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const embedded = dataset.value._embedded?.[embeddedName];
      const list = v.safeParse(optional(v.array(item)), embedded);
      if (!list.success) {
        for (const issue of list.issues) {
          addIssue({ message: `_embedded.${embeddedName}: ${issue.message}`, path: issue.path });
        }
        return NEVER;
      }
      return { items: list.output ?? [], page: dataset.value.page };
    }),
  );
}

// ---- webinars -------------------------------------------------------------------------------

/**
 * One schema for a webinar from the organizer list (W1: keys as strings, `recurrenceType`) and
 * from get-webinar (W3: keys as numbers, `type`), normalised to one shape.
 */
export const WebinarSchema = v.pipe(
  v.object({
    webinarKey: KeySchema,
    // The spec's `required` list says webinarId, its properties say webinarID.
    webinarID: Text,
    webinarId: Text,
    subject: v.string(),
    description: Text,
    organizerKey: OptionalKeySchema,
    accountKey: OptionalKeySchema,
    organizerEmail: Text,
    organizerName: Text,
    times: v.array(TimeRangeSchema),
    timeZone: Text,
    locale: Text,
    approvalType: optional(ApprovalTypeSchema),
    registrationUrl: Text,
    recurrenceType: Text,
    type: Text,
    experienceType: Text,
    status: Text,
    inSession: optional(v.boolean()),
    impromptu: optional(v.boolean()),
    isPasswordProtected: optional(v.boolean()),
    numberOfRegistrants: optional(Int),
    registrationLimit: optional(Int),
  }),
  v.transform((w) => ({
    webinarKey: w.webinarKey,
    webinarId: w.webinarID ?? w.webinarId,
    subject: w.subject,
    description: w.description,
    organizerKey: w.organizerKey,
    accountKey: w.accountKey,
    organizerEmail: w.organizerEmail,
    organizerName: w.organizerName,
    times: w.times,
    timeZone: w.timeZone,
    locale: w.locale,
    approvalType: w.approvalType,
    registrationUrl: w.registrationUrl,
    recurrenceType: w.recurrenceType ?? w.type,
    // GoTo writes it lowercase in the spec, uppercase on create and in webhooks.
    experienceType: w.experienceType === null ? null : w.experienceType.toUpperCase(),
    status: w.status,
    inSession: w.inSession,
    impromptu: w.impromptu,
    isPasswordProtected: w.isPasswordProtected,
    numberOfRegistrants: w.numberOfRegistrants,
    registrationLimit: w.registrationLimit,
  })),
);
export type GoToWebinar = v.InferOutput<typeof WebinarSchema>;

export const WebinarListSchema = pagedEnvelopeSchema("webinars", WebinarSchema);

export const CreatedWebinarSchema = v.object({ webinarKey: KeySchema });

// ---- registrants ----------------------------------------------------------------------------

export const RegistrantSchema = v.object({
  registrantKey: KeySchema,
  firstName: v.string(),
  lastName: v.string(),
  email: v.string(),
  status: RegistrantStatusSchema,
  registrationDate: optional(TimeSchema),
  joinUrl: Text,
  timeZone: Text,
});
export type GoToRegistrant = v.InferOutput<typeof RegistrantSchema>;

export interface GoToRegistrantPage {
  registrants: GoToRegistrant[];
  /** `null` for the plain-array shape, which has no paging and holds every registrant. */
  paging: { total: number; page: number; limit: number; pageSize: number | null } | null;
}

/**
 * R1 comes in two shapes: the 2021 spec's plain array (everything at once), and the newer paged
 * `{data,total,page,limit,pageSize}` when `page`/`limit` are sent. Both are accepted.
 */
export const RegistrantListSchema: v.GenericSchema<unknown, GoToRegistrantPage> = v.union([
  v.pipe(
    v.array(RegistrantSchema),
    v.transform((registrants): GoToRegistrantPage => ({ registrants, paging: null })),
  ),
  v.pipe(
    v.object({
      data: optional(v.array(RegistrantSchema)),
      total: Int,
      page: Int,
      limit: Int,
      pageSize: optional(Int),
    }),
    v.transform(
      (r): GoToRegistrantPage => ({
        registrants: r.data ?? [],
        paging: { total: r.total, page: r.page, limit: r.limit, pageSize: r.pageSize },
      }),
    ),
  ),
]);

/** GoTo answers "" for a form field the registrant left empty; Rollcall treats that as absent. */
const FormText = v.pipe(
  v.nullish(v.union([v.string(), v.number()]), null),
  v.transform((s) => (s === null || s === "" ? null : String(s))),
);

/** Every optional field of GoTo's registration form, read as `FormText`. */
const FORM_TEXT_ENTRIES = Object.fromEntries(GOTO_FORM_FIELDS.map((field) => [field, FormText])) as Record<
  GoToFormField,
  typeof FormText
>;

export const RegistrantDetailSchema = v.object({
  ...RegistrantSchema.entries,
  ...FORM_TEXT_ENTRIES,
  /** REGULAR, or LATE for a registration to a past webinar; absent for series. */
  type: Text,
  unsubscribed: optional(v.boolean()),
  responses: v.nullish(v.array(v.object({ question: v.string(), answer: Text })), []),
});
export type GoToRegistrantDetail = v.InferOutput<typeof RegistrantDetailSchema>;

export const CreatedRegistrantSchema = v.object({
  registrantKey: KeySchema,
  joinUrl: v.string(),
  status: optional(RegistrantStatusSchema),
});
export type GoToCreatedRegistrant = v.InferOutput<typeof CreatedRegistrantSchema>;

export const RegistrationFieldsSchema = v.object({
  fields: v.nullish(
    v.array(
      v.object({
        field: v.string(),
        required: v.boolean(),
        maxSize: optional(Int),
        answers: v.nullish(v.array(v.string()), []),
      }),
    ),
    [],
  ),
  questions: v.nullish(
    v.array(
      v.object({
        questionKey: KeySchema,
        question: v.string(),
        required: v.boolean(),
        type: v.picklist(["shortAnswer", "multipleChoice"]),
        maxSize: optional(Int),
        answers: v.nullish(v.array(v.object({ answerKey: KeySchema, answer: v.string() })), []),
      }),
    ),
    [],
  ),
});
export type GoToRegistrationFields = v.InferOutput<typeof RegistrationFieldsSchema>;

// ---- sessions and attendance ----------------------------------------------------------------

export const SessionSchema = v.object({
  sessionKey: KeySchema,
  webinarKey: OptionalKeySchema,
  webinarName: Text,
  webinarID: Text,
  startTime: TimeSchema,
  endTime: TimeSchema,
  registrantsAttended: optional(Int),
  registrantCount: optional(Int),
  timeZone: Text,
  experienceType: Text,
});
export type GoToSession = v.InferOutput<typeof SessionSchema>;

export const SessionListSchema = pagedEnvelopeSchema("sessionInfoResources", SessionSchema);

/** Attendee of a session (S4) and of a webinar (A1 items carry the same fields). */
export const AttendeeSchema = v.object({
  registrantKey: KeySchema,
  sessionKey: OptionalKeySchema,
  firstName: Text,
  lastName: Text,
  email: v.string(),
  attendanceTimeInSeconds: optional(v.number()),
  attendance: v.nullish(v.array(v.object({ joinTime: TimeSchema, leaveTime: optional(TimeSchema) })), []),
});
export type GoToAttendee = v.InferOutput<typeof AttendeeSchema>;

export const SessionAttendeeListSchema = v.array(AttendeeSchema);
export const WebinarAttendeeListSchema = pagedEnvelopeSchema("attendeeParticipationResponses", AttendeeSchema);

// ---- identity -------------------------------------------------------------------------------

/** `GET /admin/rest/v1/me`: `key` is the organizer key. */
export const MeSchema = v.pipe(
  v.object({
    key: KeySchema,
    accountKey: OptionalKeySchema,
    email: v.string(),
    firstName: Text,
    lastName: Text,
  }),
  v.transform((me) => ({
    organizerKey: me.key,
    accountKey: me.accountKey,
    email: me.email,
    firstName: me.firstName,
    lastName: me.lastName,
  })),
);
export type GoToMe = v.InferOutput<typeof MeSchema>;

// ---- webhooks -------------------------------------------------------------------------------

const StateSchema = v.pipe(v.string(), v.toUpperCase(), v.picklist(["ACTIVE", "INACTIVE"]));

export const SecretKeySchema = v.object({
  id: optional(v.pipe(v.union([v.string(), v.number()]), v.transform(String))),
  value: v.pipe(v.string(), v.nonEmpty()),
  validFrom: optional(TimeSchema),
});
export type GoToSecretKey = v.InferOutput<typeof SecretKeySchema>;

export const WebhookSchema = v.object({
  webhookKey: v.string(),
  callbackUrl: v.string(),
  eventName: v.string(),
  eventVersion: v.string(),
  product: v.string(),
  state: StateSchema,
  createTime: optional(TimeSchema),
});
export type GoToWebhook = v.InferOutput<typeof WebhookSchema>;

export const WebhookListSchema = pagedEnvelopeSchema("webhooks", WebhookSchema);

export const UserSubscriptionSchema = v.object({
  userSubscriptionKey: v.string(),
  webhookKey: v.string(),
  callbackUrl: Text,
  eventName: Text,
  eventVersion: Text,
  product: Text,
  userSubscriptionState: StateSchema,
  activationState: optional(StateSchema),
  createTime: optional(TimeSchema),
});
export type GoToUserSubscription = v.InferOutput<typeof UserSubscriptionSchema>;

export const UserSubscriptionListSchema = pagedEnvelopeSchema("userSubscriptions", UserSubscriptionSchema);

// ---- OAuth ----------------------------------------------------------------------------------

export const TokenResponseSchema = v.pipe(
  v.object({
    access_token: v.pipe(v.string(), v.nonEmpty()),
    token_type: v.string(),
    // Refresh answers usually omit it: keep the stored refresh token then.
    refresh_token: optional(v.pipe(v.string(), v.nonEmpty())),
    expires_in: v.pipe(v.number(), v.minValue(0)),
    scope: Text,
    principal: Text,
    organizer_key: OptionalKeySchema,
    account_key: OptionalKeySchema,
  }),
  v.transform((t) => ({
    accessToken: t.access_token,
    tokenType: t.token_type,
    refreshToken: t.refresh_token,
    expiresIn: t.expires_in,
    scope: t.scope,
    principal: t.principal,
    organizerKey: t.organizer_key,
    accountKey: t.account_key,
  })),
);
export type GoToTokenResponse = v.InferOutput<typeof TokenResponseSchema>;

/** RFC 6749 section 5.2. */
export const OAuthErrorBodySchema = v.object({
  error: v.pipe(v.string(), v.nonEmpty()),
  error_description: Text,
});

/** GoTo's business error body: `{errorCode, description, incident}`, plus `registrantKey` on duplicates. */
export const ApiErrorBodySchema = v.object({
  errorCode: Text,
  description: Text,
  message: Text,
  incident: optional(v.union([v.string(), v.number()])),
  int_err_code: Text,
  msg: Text,
  registrantKey: optional(KeySchema),
  joinUrl: Text,
});
export type GoToApiErrorBody = v.InferOutput<typeof ApiErrorBodySchema>;

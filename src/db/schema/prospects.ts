import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt } from "./columns";
import { campaigns, webinars } from "./webinars";

/**
 * The tables of prospects and what they did: merges, registrations and their tallies, activities
 * and their scoring, session attendance, engagement, and the GoTo registrants no prospect took.
 */

/**
 * Prospects. Email is the identity of an active prospect: lower-case, unique among prospects not
 * merged away (a partial unique index). A merged-away prospect keeps its row, pointing at its master.
 */
export const prospects = sqliteTable(
  "prospects",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    company: text("company"),
    jobTitle: text("job_title"),
    phone: text("phone"),
    country: text("country"),
    /** JSON object of custom form fields, `{}` when none. */
    customFields: text("custom_fields").notNull().default("{}"),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    /** The sum of the points of its activities, kept in step with them. */
    score: integer("score").notNull().default(0),
    source: text("source", { enum: ["form", "gotowebinar", "manual"] }).notNull(),
    mergedIntoId: text("merged_into_id"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("prospects_active_email_unique").on(t.email).where(sql`merged_into_id IS NULL`),
    index("prospects_email_idx").on(t.email),
    index("prospects_merged_into_idx").on(t.mergedIntoId),
    index("prospects_created_idx").on(t.createdAt),
    // The prospect list's keyset (active prospects, newest first): each page is a seek, not a sort.
    index("prospects_merged_created_idx").on(t.mergedIntoId, t.createdAt, t.id),
  ],
);

/** Each merge: the email of the prospect merged away, so GoTo registrants with it land on the master. */
export const prospectMerges = sqliteTable(
  "prospect_merges",
  {
    id: text("id").primaryKey(),
    masterId: text("master_id")
      .notNull()
      .references(() => prospects.id),
    mergedId: text("merged_id")
      .notNull()
      .references(() => prospects.id),
    email: text("email").notNull(),
    mergedBy: text("merged_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("prospect_merges_email_idx").on(t.email), index("prospect_merges_master_idx").on(t.masterId)],
);

/** One row per (prospect, webinar): GoTo's registrant key, join URL, status and attendance. */
export const registrations = sqliteTable(
  "registrations",
  {
    id: text("id").primaryKey(),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    webinarId: text("webinar_id")
      .notNull()
      .references(() => webinars.id),
    registrantKey: text("registrant_key"),
    joinUrl: text("join_url"),
    status: text("status", {
      enum: ["pending", "registered", "waiting", "approved", "denied", "error", "cancelled"],
    }).notNull(),
    /** GoTo's reason when it refused a registration (status `error`), shown to the marketer. */
    errorMessage: text("error_message"),
    source: text("source", { enum: ["form", "gotowebinar"] }).notNull(),
    /** For a form registration: the Rollcall form or form handler whose submission made it (no foreign key: forms can go). */
    formId: text("form_id"),
    handlerId: text("handler_id"),
    attended: integer("attended", { mode: "boolean" }).notNull().default(false),
    minutesAttended: integer("minutes_attended").notNull().default(0),
    /** Where a form registration came from. JSON `{utm_source, utm_medium, ...}`. */
    utm: text("utm"),
    referrer: text("referrer"),
    /**
     * For a form registration: the body GoTo's create-registrant call gets (JSON), written with the
     * `pending` row, so a hand-off to the outbox that failed can be made again from D1 alone.
     */
    pushRequest: text("push_request"),
    registeredAt: text("registered_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("registrations_prospect_webinar_unique").on(t.prospectId, t.webinarId),
    index("registrations_webinar_status_idx").on(t.webinarId, t.status),
    index("registrations_webinar_key_idx").on(t.webinarId, t.registrantKey),
    index("registrations_status_updated_idx").on(t.status, t.updatedAt),
    // A webinar's registrants in registration order (drill-downs, the API, CSV exports): each page is a seek.
    index("registrations_webinar_registered_idx").on(t.webinarId, t.registeredAt, t.id),
  ],
);

/**
 * How many registrations of a webinar have each combination of what its report counts (status,
 * attendance, minutes band, source, form or form handler, day registered). Kept by triggers on
 * `registrations` (migrations, `registration_tallies_*`), in the same statement as every write
 * there (ingestion, form submissions, the outbox, merges), so the report reads a few hundred rows
 * instead of scanning a webinar's registrations. `bucket` is the index into the report's minutes
 * bands for an attended registration, 0 otherwise; no form is ''. A migration that rebuilds
 * `registrations` (drizzle-kit does for some column changes) drops the triggers: copy them back.
 */
export const registrationTallies = sqliteTable(
  "registration_tallies",
  {
    webinarId: text("webinar_id").notNull(),
    status: text("status").notNull(),
    attended: integer("attended").notNull(),
    bucket: integer("bucket").notNull(),
    source: text("source").notNull(),
    formId: text("form_id").notNull(),
    handlerId: text("handler_id").notNull(),
    day: text("day").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.webinarId, t.status, t.attended, t.bucket, t.source, t.formId, t.handlerId, t.day],
    }),
  ],
);

/**
 * Activities on a prospect's timeline. `dedupeKey` (e.g. `webinar:<id>:registered`) is unique per
 * prospect, so polls, webhooks and alarm re-runs never double a row; `points` is its score, given once.
 */
export const activities = sqliteTable(
  "activities",
  {
    id: text("id").primaryKey(),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    webinarId: text("webinar_id").references(() => webinars.id),
    type: text("type").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    points: integer("points").notNull().default(0),
    minutes: integer("minutes"),
    detail: text("detail"),
    occurredAt: text("occurred_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("activities_prospect_dedupe_unique").on(t.prospectId, t.dedupeKey),
    index("activities_prospect_time_idx").on(t.prospectId, t.occurredAt),
    index("activities_webinar_type_idx").on(t.webinarId, t.type),
  ],
);

/** Points per activity type. Types without a row use the defaults in src/domain/scoring.ts. */
export const scoringRules = sqliteTable("scoring_rules", {
  activityType: text("activity_type").primaryKey(),
  points: integer("points").notNull(),
  updatedAt: createdAt(),
});

/** GoTo registrants no prospect took (the connector may not create prospects), counted per webinar. */
export const unmatchedRegistrants = sqliteTable(
  "unmatched_registrants",
  {
    webinarId: text("webinar_id")
      .notNull()
      .references(() => webinars.id),
    registrantKey: text("registrant_key").notNull(),
    email: text("email").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    status: text("status").notNull(),
    /** Why no prospect took it: no prospect has the email (and none is created), or GoTo's email is not valid. */
    reason: text("reason"),
    seenAt: text("seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.webinarId, t.registrantKey] })],
);

/**
 * A prospect's attendance of one session of a webinar: minutes, share of the session (0 to 100)
 * and the first join and last leave GoTo reported. `registrations` keeps the totals over all
 * sessions; these rows are the depth behind them, written by ingestion in the same batch.
 */
export const sessionAttendance = sqliteTable(
  "session_attendance",
  {
    webinarId: text("webinar_id")
      .notNull()
      .references(() => webinars.id),
    sessionKey: text("session_key").notNull(),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    minutes: integer("minutes").notNull(),
    /** Whole percent of the session's scheduled length, at most 100. */
    share: integer("share").notNull(),
    firstJoin: text("first_join"),
    lastLeave: text("last_leave"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("session_attendance_unique").on(t.webinarId, t.sessionKey, t.prospectId),
    // Criteria judge a prospect's sessions of one webinar.
    index("session_attendance_prospect_idx").on(t.prospectId, t.webinarId),
  ],
);

/**
 * What an attendee did in a session beyond attending: a poll answered, a survey answered, a
 * question asked (with the organizer's answer in `answer`). One row per GoTo item, whatever the
 * number of polls or webhooks that brought it (`dedupeKey`); each also becomes an activity
 * through the one recorder (src/db/queries/activities.ts), which is what rules, lists and scores
 * react to. `answers` is a JSON array of strings.
 */
export const engagements = sqliteTable(
  "engagements",
  {
    id: text("id").primaryKey(),
    webinarId: text("webinar_id")
      .notNull()
      .references(() => webinars.id),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    sessionKey: text("session_key").notNull(),
    registrantKey: text("registrant_key"),
    kind: text("kind", { enum: ["poll", "survey", "question"] }).notNull(),
    question: text("question").notNull(),
    answers: text("answers").notNull().default("[]"),
    /** For a question: the organizer's answer, when there is one. */
    answer: text("answer"),
    occurredAt: text("occurred_at").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("engagements_dedupe_unique").on(t.dedupeKey),
    index("engagements_webinar_kind_idx").on(t.webinarId, t.kind, t.occurredAt, t.id),
    // The JSON API's engagement list of every kind, oldest first: each page is a seek.
    index("engagements_webinar_occurred_idx").on(t.webinarId, t.occurredAt, t.id),
    index("engagements_prospect_idx").on(t.prospectId, t.occurredAt),
    // The webinar's engaged registrants: its distinct prospects, read from the index alone.
    index("engagements_webinar_prospect_idx").on(t.webinarId, t.prospectId),
  ],
);

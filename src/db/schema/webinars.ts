import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./accounts";
import { createdAt } from "./columns";

/**
 * The tables of GoTo and its webinars: campaigns, connectors, webinars and their sessions, and the
 * deployment-wide webhook state.
 */

/** Campaigns: where a prospect came from. Connectors give auto-created prospects one. */
export const campaigns = sqliteTable(
  "campaigns",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("campaigns_name_unique").on(t.name)],
);

/**
 * A webinar connector (GoToWebinar today; `type` leaves room for others). No secrets here: the
 * OAuth tokens live encrypted in the connector's GoToGateway Durable Object.
 */
export const connectors = sqliteTable(
  "connectors",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: ["gotowebinar"] }).notNull(),
    /** Lower-case; the organizer the marketer says this is, checked at verification. */
    organizerEmail: text("organizer_email").notNull(),
    createProspects: integer("create_prospects", { mode: "boolean" }).notNull().default(true),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
    status: text("status", { enum: ["unverified", "verified", "needs_reverification"] })
      .notNull()
      .default("unverified"),
    paused: integer("paused", { mode: "boolean" }).notNull().default(false),
    organizerKey: text("organizer_key"),
    accountKey: text("account_key"),
    organizerName: text("organizer_name"),
    verifiedAt: text("verified_at"),
    lastError: text("last_error"),
    lastErrorAt: text("last_error_at"),
    lastDiscoveryAt: text("last_discovery_at"),
    nextDiscoveryAt: text("next_discovery_at"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    /** Deleting keeps the webinars, prospects and activities the connector brought. */
    deletedAt: text("deleted_at"),
  },
  (t) => [index("connectors_deleted_idx").on(t.deletedAt)],
);

/** Webinars found by discovery. `times` holds every session as JSON; starts/ends are derived for queries. */
export const webinars = sqliteTable(
  "webinars",
  {
    id: text("id").primaryKey(),
    connectorId: text("connector_id")
      .notNull()
      .references(() => connectors.id),
    /** GoTo's 64-bit key, always as its decimal digits. */
    webinarKey: text("webinar_key").notNull(),
    subject: text("subject").notNull(),
    description: text("description"),
    /** JSON `[{startTime, endTime}]`, ISO-8601 UTC, in order. */
    times: text("times").notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    timeZone: text("time_zone"),
    registrationUrl: text("registration_url"),
    approvalType: text("approval_type"),
    status: text("status", { enum: ["scheduled", "cancelled"] })
      .notNull()
      .default("scheduled"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    /** Kept by the webinar's WebinarSync: when it last polled GoTo and when it polls next. */
    lastSyncedAt: text("last_synced_at"),
    nextSyncAt: text("next_sync_at"),
    /**
     * When ingestion last read the attendance after the webinar's end: from then on a registrant
     * who did not attend is absent (criteria judge absence by it, not by the clock, so nobody is
     * absent in the minutes between the end and the first attendance pass).
     */
    attendanceReadAt: text("attendance_read_at"),
  },
  (t) => [
    uniqueIndex("webinars_connector_key_unique").on(t.connectorId, t.webinarKey),
    index("webinars_starts_idx").on(t.startsAt),
    index("webinars_key_idx").on(t.webinarKey),
  ],
);

/**
 * Webhook event keys this deployment has taken in, from any connector's callback: GoTo signs
 * every event with the one secret of the OAuth application, so a signed event replayed to
 * another connector's URL must be recognised across the deployment, not per connector.
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    eventKey: text("event_key").primaryKey(),
    connectorId: text("connector_id").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [index("webhook_events_received_idx").on(t.receivedAt)],
);

/**
 * GoTo state that belongs to Rollcall's OAuth application rather than to one connector: the
 * webhook signing secret (encrypted) and the app's webhooks, one per event.
 */
export const gotoAppState = sqliteTable("goto_app_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: createdAt(),
});

/**
 * The sessions of a webinar whose attendance ingestion has read (GoTo lists attendees of ended
 * sessions only), with their times: what "attended all / the latest session" is judged against,
 * and the columns of the webinar page's sessions side by side, attendees or not.
 */
export const webinarSessions = sqliteTable(
  "webinar_sessions",
  {
    webinarId: text("webinar_id")
      .notNull()
      .references(() => webinars.id),
    /** GoTo's 64-bit session key, as its decimal digits. */
    sessionKey: text("session_key").notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    readAt: text("read_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.webinarId, t.sessionKey] })],
);

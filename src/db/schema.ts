import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Times are stored as ISO-8601 UTC strings, ids as prefixed random strings. */
const createdAt = () => text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Always lower-case. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["admin", "marketer"] }).notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`: the parameters travel with the hash. */
    passwordHash: text("password_hash").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: createdAt(),
    lastLoginAt: text("last_login_at"),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 (hex) of the cookie's random token; the token itself is never stored. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: text("expires_at").notNull(),
    createdAt: createdAt(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The first characters of the key, shown in lists so people can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 (hex) of the whole key. */
    keyHash: text("key_hash").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    createdAt: createdAt(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    subject: text("subject"),
    detail: text("detail"),
    ip: text("ip"),
  },
  (t) => [index("audit_log_created_idx").on(t.createdAt)],
);

/** Failed sign-ins, counted per email and per IP to throttle guessing. Old rows are pruned. */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("login_failures_email_idx").on(t.email, t.at), index("login_failures_ip_idx").on(t.ip, t.at)],
);

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
  },
  (t) => [
    uniqueIndex("webinars_connector_key_unique").on(t.connectorId, t.webinarKey),
    index("webinars_starts_idx").on(t.startsAt),
  ],
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

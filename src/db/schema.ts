import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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

/** Registration forms built in Rollcall. Fields, actions and look are JSON the domain validates. */
export const forms = sqliteTable("forms", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  status: text("status", { enum: ["draft", "live"] })
    .notNull()
    .default("draft"),
  fields: text("fields").notNull().default("[]"),
  actions: text("actions").notNull().default("[]"),
  thankYouMessage: text("thank_you_message"),
  redirectUrl: text("redirect_url"),
  theme: text("theme").notNull().default("{}"),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: text("updated_at").notNull(),
});

/** Form handlers: posts from the customer's own HTML forms, mapped onto prospect fields. */
export const formHandlers = sqliteTable("form_handlers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  fieldMap: text("field_map").notNull().default("{}"),
  actions: text("actions").notNull().default("[]"),
  successUrl: text("success_url").notNull(),
  errorUrl: text("error_url").notNull(),
  allowedOrigins: text("allowed_origins").notNull().default("[]"),
  createdAt: createdAt(),
  updatedAt: text("updated_at").notNull(),
});

/** Every submission, accepted or filtered, with what was sent and where it came from. */
export const submissions = sqliteTable(
  "submissions",
  {
    id: text("id").primaryKey(),
    formId: text("form_id").references(() => forms.id),
    handlerId: text("handler_id").references(() => formHandlers.id),
    prospectId: text("prospect_id").references(() => prospects.id),
    data: text("data").notNull(),
    status: text("status", { enum: ["accepted", "filtered"] }).notNull(),
    /** For a filtered submission: the rule that matched, e.g. `email domain acme.com`. */
    filterReason: text("filter_reason"),
    /**
     * JSON `[{type, id}]`: completion actions of an accepted submission that did not run because
     * their webinar, list or campaign no longer existed. Null when every action ran.
     */
    skippedActions: text("skipped_actions"),
    utm: text("utm"),
    referrer: text("referrer"),
    ip: text("ip"),
    /**
     * A hash of form, email and content. A submission with the key of one stored within ten
     * minutes either side is a double submit and is stored once (the window slides with each post).
     */
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("submissions_dedupe_idx").on(t.dedupeKey, t.createdAt),
    index("submissions_form_idx").on(t.formId, t.createdAt),
    index("submissions_handler_idx").on(t.handlerId, t.createdAt),
  ],
);

/** The account's filters: IP ranges (CIDR, v4 and v6) and email domains. */
export const filters = sqliteTable("filters", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["ip_range", "email_domain"] }).notNull(),
  value: text("value").notNull(),
  note: text("note"),
  createdAt: createdAt(),
});

/**
 * Lists of prospects. A static list's members are added by forms, by hand (and later by rules and
 * report drill-downs); a dynamic list's members are the prospects matching its criteria, kept
 * current as activities and prospect changes are recorded (src/db/queries/memberships.ts).
 */
export const lists = sqliteTable(
  "lists",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["static", "dynamic"] })
      .notNull()
      .default("static"),
    /** A dynamic list's criteria as JSON (src/domain/criteria), as the marketer saved them. */
    criteria: text("criteria"),
    createdAt: createdAt(),
    /** When the name or criteria last changed; null until then. */
    updatedAt: text("updated_at"),
  },
  (t) => [uniqueIndex("lists_name_unique").on(t.name)],
);

/**
 * Criteria stored for SQL: one set per owner (a dynamic list; automation rules later), with the
 * top-level all / any. The owner's id is not a foreign key, so lists and rules share the tables.
 */
export const criteriaSets = sqliteTable(
  "criteria_sets",
  {
    ownerId: text("owner_id").primaryKey(),
    ownerType: text("owner_type", { enum: ["list", "rule"] }).notNull(),
    match: text("match", { enum: ["all", "any"] }).notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("criteria_sets_type_idx").on(t.ownerType)],
);

/** The conditions of a set; a top-level condition is a group of one (src/domain/criteria/criteria.ts). */
export const criteriaConditions = sqliteTable(
  "criteria_conditions",
  {
    ownerId: text("owner_id")
      .notNull()
      .references(() => criteriaSets.ownerId, { onDelete: "cascade" }),
    groupNo: integer("group_no").notNull(),
    position: integer("position").notNull(),
    groupMatch: text("group_match", { enum: ["all", "any"] }).notNull(),
    kind: text("kind").notNull(),
    /** JSON of the condition's parameters (everything but its kind). */
    params: text("params").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.groupNo, t.position] })],
);

/**
 * Long work in bounded steps (a list's recompute; later a rule's "apply to who already matches"
 * and bulk add-to-list), run by the JobRunner Durable Object (src/services/job-runner.ts). Each
 * step's writes and its progress are one D1 batch, so a step re-run changes nothing twice.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    /** What the job works on, e.g. the list's id: at most one queued or running job per kind and subject. */
    subject: text("subject").notNull(),
    state: text("state", { enum: ["queued", "running", "done", "failed", "cancelled"] })
      .notNull()
      .default("queued"),
    /** JSON the job's kind reads. */
    params: text("params").notNull().default("{}"),
    /** Where the next step starts; null before the first. */
    cursor: text("cursor"),
    steps: integer("steps").notNull().default(0),
    done: integer("done").notNull().default(0),
    total: integer("total"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    runAt: text("run_at").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
  },
  (t) => [
    uniqueIndex("jobs_active_subject_unique").on(t.kind, t.subject).where(sql`state IN ('queued', 'running')`),
    index("jobs_state_run_idx").on(t.state, t.runAt),
    index("jobs_subject_idx").on(t.subject, t.createdAt),
  ],
);

export const listMembers = sqliteTable(
  "list_members",
  {
    listId: text("list_id")
      .notNull()
      .references(() => lists.id, { onDelete: "cascade" }),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    addedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.listId, t.prospectId] }),
    index("list_members_prospect_idx").on(t.prospectId),
    index("list_members_list_added_idx").on(t.listId, t.addedAt, t.prospectId),
  ],
);

export const prospectTags = sqliteTable(
  "prospect_tags",
  {
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    tag: text("tag").notNull(),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.prospectId, t.tag] }), index("prospect_tags_tag_idx").on(t.tag)],
);

/**
 * Automation rules: criteria (stored for SQL in `criteria_sets` / `criteria_conditions` with owner
 * type `rule`, and here as the marketer saved them) and actions, run as prospects' facts are
 * recorded (src/db/queries/rule-runs.ts). A deleted rule keeps its row, hidden, so the actions it
 * took still name it.
 */
export const rules = sqliteTable(
  "rules",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** `once`: at most once per prospect; `repeat`: again each time a prospect newly matches. */
    mode: text("mode", { enum: ["once", "repeat"] }).notNull(),
    status: text("status", { enum: ["active", "paused"] })
      .notNull()
      .default("active"),
    /** The criteria as JSON (src/domain/criteria), for the words and the API. */
    criteria: text("criteria").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    deletedAt: text("deleted_at"),
  },
  (t) => [
    uniqueIndex("rules_name_unique").on(t.name).where(sql`deleted_at IS NULL`),
    index("rules_status_idx").on(t.status),
  ],
);

/** A rule's actions, in order. A list or campaign deleted later leaves the action pointing at nothing (skipped). */
export const ruleActions = sqliteTable(
  "rule_actions",
  {
    ruleId: text("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    type: text("type", {
      enum: ["add_to_list", "remove_from_list", "add_tag", "remove_tag", "adjust_score", "assign_campaign"],
    }).notNull(),
    listId: text("list_id").references(() => lists.id, { onDelete: "set null" }),
    tag: text("tag"),
    points: integer("points"),
    campaignId: text("campaign_id").references(() => campaigns.id, { onDelete: "set null" }),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.position] })],
);

/**
 * Whether a prospect matched a rule when its facts were last judged, and how many times it has
 * newly matched (`generation`): the rule acts when the generation moves, so judging the same facts
 * again never acts twice. Generation 0 means "matched before the rule started, not acted on".
 */
export const ruleMatches = sqliteTable(
  "rule_matches",
  {
    ruleId: text("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    matching: integer("matching", { mode: "boolean" }).notNull(),
    generation: integer("generation").notNull(),
    changedAt: text("changed_at").notNull(),
  },
  // Keyed by prospect first: a batch writes the rows of a few hundred prospects, each prospect's
  // rules side by side, instead of a few rows in every rule's part of the index.
  (t) => [primaryKey({ columns: [t.prospectId, t.ruleId] })],
);

/**
 * Every action a rule took: on whom (`subjectId`, never changed; `prospectId` follows merges to
 * the master), which match (`generation`) and action (`position`, with the action's values as
 * they were), what triggered it, and when. Unique per rule, subject, match and action, so an
 * action is taken at most once per match. `outcome` is `pending` only inside the batch that takes it.
 */
export const ruleActionsTaken = sqliteTable(
  "rule_actions_taken",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ruleId: text("rule_id")
      .notNull()
      .references(() => rules.id),
    prospectId: text("prospect_id")
      .notNull()
      .references(() => prospects.id),
    subjectId: text("subject_id").notNull(),
    generation: integer("generation").notNull(),
    position: integer("position").notNull(),
    type: text("type").notNull(),
    listId: text("list_id"),
    tag: text("tag"),
    points: integer("points"),
    campaignId: text("campaign_id"),
    outcome: text("outcome", { enum: ["pending", "done", "skipped"] }).notNull(),
    /**
     * `activity` (see `activityId`), `attendance` (the attendance of `webinarId`, read after its
     * end: who did not come is now absent), `change` (another fact of the prospect), `apply` (a
     * run over who already matched).
     */
    trigger: text("trigger", { enum: ["activity", "attendance", "change", "apply"] }).notNull(),
    activityId: text("activity_id"),
    webinarId: text("webinar_id"),
    takenAt: text("taken_at").notNull(),
  },
  (t) => [
    // By prospect first, like rule_matches: a batch's actions land on its prospects' pages.
    uniqueIndex("rule_actions_taken_unique").on(t.subjectId, t.ruleId, t.generation, t.position),
    index("rule_actions_taken_rule_idx").on(t.ruleId, t.id),
    index("rule_actions_taken_prospect_idx").on(t.prospectId, t.takenAt),
    // The carry-out reads each type of the batch's pending actions apart.
    index("rule_actions_taken_pending_type_idx").on(t.outcome, t.type).where(sql`outcome = 'pending'`),
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

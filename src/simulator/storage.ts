/**
 * The simulator's SQLite schema and the small helpers every part of it shares. Keys are 19-digit
 * decimal strings (above 2^53, below 2^63) and stay strings everywhere; times are epoch ms.
 */

/** Storage migrations of the GoToSimulator object, index = version - 1. Append only. */
export const SIM_MIGRATIONS: string[][] = [
  [
    `CREATE TABLE organizers (organizer_key TEXT PRIMARY KEY, account_key TEXT NOT NULL,
      email TEXT NOT NULL UNIQUE COLLATE NOCASE, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
      time_zone TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE TABLE auth_codes (code TEXT PRIMARY KEY, organizer_key TEXT NOT NULL, client_id TEXT NOT NULL,
      redirect_uri TEXT, code_challenge TEXT, code_challenge_method TEXT, scope TEXT NOT NULL,
      expires_at INTEGER NOT NULL, used_at INTEGER)`,
    `CREATE TABLE tokens (token TEXT PRIMARY KEY, kind TEXT NOT NULL, organizer_key TEXT NOT NULL,
      client_id TEXT NOT NULL, scope TEXT NOT NULL, code TEXT, expires_at INTEGER NOT NULL,
      revoked_at INTEGER, uses INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL)`,
    "CREATE INDEX tokens_code ON tokens (code)",
    `CREATE TABLE webinars (webinar_key TEXT PRIMARY KEY, webinar_id TEXT NOT NULL, organizer_key TEXT NOT NULL,
      subject TEXT NOT NULL, description TEXT NOT NULL, time_zone TEXT NOT NULL, locale TEXT NOT NULL,
      approval_type TEXT NOT NULL, recurrence_type TEXT NOT NULL, experience_type TEXT NOT NULL,
      is_password_protected INTEGER NOT NULL, is_ondemand INTEGER NOT NULL, registration_limit INTEGER,
      email_settings TEXT, fields TEXT NOT NULL, cancelled_at INTEGER, created_at INTEGER NOT NULL)`,
    "CREATE INDEX webinars_organizer ON webinars (organizer_key)",
    `CREATE TABLE sessions (session_key TEXT PRIMARY KEY, webinar_key TEXT NOT NULL,
      start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL)`,
    "CREATE INDEX sessions_webinar ON sessions (webinar_key, start_ms)",
    `CREATE TABLE questions (question_key TEXT PRIMARY KEY, webinar_key TEXT NOT NULL, position INTEGER NOT NULL,
      question TEXT NOT NULL, type TEXT NOT NULL, required INTEGER NOT NULL, max_size INTEGER NOT NULL)`,
    `CREATE TABLE answers (answer_key TEXT PRIMARY KEY, question_key TEXT NOT NULL, position INTEGER NOT NULL,
      answer TEXT NOT NULL)`,
    `CREATE TABLE registrants (seq INTEGER PRIMARY KEY AUTOINCREMENT, registrant_key TEXT NOT NULL UNIQUE,
      webinar_key TEXT NOT NULL, email TEXT NOT NULL, email_lower TEXT NOT NULL, first_name TEXT NOT NULL,
      last_name TEXT NOT NULL, status TEXT NOT NULL, registration_ms INTEGER NOT NULL, time_zone TEXT NOT NULL,
      type TEXT NOT NULL, extra TEXT NOT NULL, responses TEXT NOT NULL, UNIQUE (webinar_key, email_lower))`,
    `CREATE TABLE attendance (id INTEGER PRIMARY KEY AUTOINCREMENT, session_key TEXT NOT NULL,
      registrant_key TEXT NOT NULL, join_ms INTEGER NOT NULL, leave_ms INTEGER NOT NULL)`,
    "CREATE INDEX attendance_session ON attendance (session_key, registrant_key)",
    `CREATE TABLE webhook_secrets (id INTEGER PRIMARY KEY AUTOINCREMENT, value TEXT NOT NULL,
      valid_from INTEGER NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE TABLE webhooks (webhook_key TEXT PRIMARY KEY, callback_url TEXT NOT NULL, event_name TEXT NOT NULL,
      event_version TEXT NOT NULL, product TEXT NOT NULL, state TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE TABLE user_subscriptions (user_subscription_key TEXT PRIMARY KEY, webhook_key TEXT NOT NULL,
      organizer_key TEXT NOT NULL, callback_url TEXT, state TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE TABLE deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, user_subscription_key TEXT NOT NULL,
      event_name TEXT NOT NULL, event_key TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,
      state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_status INTEGER, last_error TEXT,
      next_at INTEGER NOT NULL, created_at INTEGER NOT NULL, delivered_at INTEGER)`,
    "CREATE INDEX deliveries_due ON deliveries (state, next_at)",
    `CREATE TABLE api_calls (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, method TEXT NOT NULL,
      path TEXT NOT NULL, status INTEGER NOT NULL, duration_ms INTEGER NOT NULL, principal TEXT)`,
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  ],
  [
    // Poll answers, survey answers and questions of attendees: `answers` is a JSON array of
    // strings; for a question, `answer` is the organizer's answer (or null).
    `CREATE TABLE engagement (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, session_key TEXT NOT NULL,
      registrant_key TEXT NOT NULL, question TEXT NOT NULL, answers TEXT NOT NULL, answer TEXT,
      at_ms INTEGER NOT NULL)`,
    "CREATE INDEX engagement_session ON engagement (session_key, kind, registrant_key)",
  ],
  [
    // A webinar's registrants in order, and one by email: without these every page of a listing
    // and every new registrant read the registrants of every webinar the simulator holds.
    "CREATE INDEX registrants_webinar ON registrants (webinar_key, seq)",
    "CREATE INDEX registrants_webinar_email ON registrants (webinar_key, email_lower)",
  ],
];

/** Every table `reset` empties (meta keeps the schema version). */
export const SIM_TABLES = [
  "organizers",
  "auth_codes",
  "tokens",
  "webinars",
  "sessions",
  "questions",
  "answers",
  "registrants",
  "attendance",
  "engagement",
  "webhook_secrets",
  "webhooks",
  "user_subscriptions",
  "deliveries",
  "api_calls",
  "settings",
] as const;

const MAX_KEY_LEAD = 8; // 19 digits starting 1..8 stay below 2^63 - 1 (9223372036854775807)

/** A fresh 19-digit key, always above 2^53 so a client that rounds through JS numbers is caught. */
export function newKey(lead: number): string {
  const first = Math.min(Math.max(1, lead), MAX_KEY_LEAD);
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return `${first}${Array.from(bytes, (b) => String(b % 10)).join("")}`;
}

/** GoTo's 9-digit human webinar ID. */
export function newWebinarId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `${1 + ((bytes[0] ?? 0) % 9)}${Array.from(bytes.slice(1), (b) => String(b % 10)).join("")}`;
}

/** GoTo's time format: ISO-8601 UTC with a trailing Z, whole seconds when there are no ms. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** ISO with milliseconds, as GoTo's webhook payloads and registration dates carry them. */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses an ISO-8601 time with a zone (Z or offset); null for anything else. */
export function parseIsoTime(text: string | undefined | null): number | null {
  if (!text || !ISO_RE.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** A random opaque token in the shape of GoTo's JWT-like tokens (starts with eyJ). */
export function newOpaqueToken(kind: string): string {
  const b64 = (text: string): string => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const random = crypto.getRandomValues(new Uint8Array(32));
  const sig = btoa(String.fromCharCode(...random))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  return `${b64(JSON.stringify({ kid: "sim", alg: "RS512" }))}.${b64(JSON.stringify({ typ: kind, jti: crypto.randomUUID() }))}.${sig}`;
}

/** A long decimal incident id, as GoTo puts on business errors. */
export function newIncident(): string {
  return newKey(3);
}

export function one<T extends Record<string, SqlStorageValue>>(
  sql: SqlStorage,
  query: string,
  ...params: SqlStorageValue[]
): T | null {
  return sql.exec<T>(query, ...params).toArray()[0] ?? null;
}

export function all<T extends Record<string, SqlStorageValue>>(
  sql: SqlStorage,
  query: string,
  ...params: SqlStorageValue[]
): T[] {
  return sql.exec<T>(query, ...params).toArray();
}

/**
 * The GoToGateway's own SQLite storage: encrypted tokens, a log of GoTo calls (for "API calls in
 * the last hour"), the webhooks it created, the webhook events it has seen, and small state.
 * Synchronous, as Durable Object SQLite is; each function takes the `SqlStorage` first.
 */
export const GATEWAY_MIGRATIONS: string[][] = [
  [
    `CREATE TABLE tokens (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      access_token TEXT NOT NULL,
      refresh_token TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      organizer_key TEXT NOT NULL,
      account_key TEXT,
      updated_at INTEGER NOT NULL
    )`,
    "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE calls (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL)",
    "CREATE INDEX calls_at ON calls (at)",
    "CREATE TABLE webhooks (event_name TEXT PRIMARY KEY, webhook_key TEXT NOT NULL, subscription_key TEXT, callback_url TEXT NOT NULL)",
    "CREATE TABLE seen_events (event_key TEXT PRIMARY KEY, at INTEGER NOT NULL)",
  ],
];

export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  organizerKey: string;
  accountKey: string | null;
}

export function readTokens(sql: SqlStorage): StoredTokens | null {
  const row = sql
    .exec<{
      access_token: string;
      refresh_token: string;
      expires_at: number;
      organizer_key: string;
      account_key: string | null;
    }>("SELECT access_token, refresh_token, expires_at, organizer_key, account_key FROM tokens WHERE id = 1")
    .toArray()[0];
  if (!row) return null;
  return {
    accessToken: row.access_token,
    refreshToken: row.refresh_token,
    expiresAt: row.expires_at,
    organizerKey: row.organizer_key,
    accountKey: row.account_key,
  };
}

export function writeTokens(sql: SqlStorage, tokens: StoredTokens, now: number): void {
  sql.exec(
    `INSERT INTO tokens (id, access_token, refresh_token, expires_at, organizer_key, account_key, updated_at)
     VALUES (1, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET access_token = excluded.access_token, refresh_token = excluded.refresh_token,
       expires_at = excluded.expires_at, organizer_key = excluded.organizer_key, account_key = excluded.account_key,
       updated_at = excluded.updated_at`,
    tokens.accessToken,
    tokens.refreshToken,
    tokens.expiresAt,
    tokens.organizerKey,
    tokens.accountKey,
    now,
  );
}

export function deleteTokens(sql: SqlStorage): void {
  sql.exec("DELETE FROM tokens");
}

export function getState(sql: SqlStorage, key: string): string | null {
  return sql.exec<{ value: string }>("SELECT value FROM state WHERE key = ?", key).toArray()[0]?.value ?? null;
}

export function setState(sql: SqlStorage, key: string, value: string | null): void {
  if (value === null) sql.exec("DELETE FROM state WHERE key = ?", key);
  else
    sql.exec(
      "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
}

const HOUR_MS = 60 * 60 * 1000;

export function recordCall(sql: SqlStorage, at: number, method: string, path: string, status: number): void {
  sql.exec("INSERT INTO calls (at, method, path, status) VALUES (?, ?, ?, ?)", at, method, path, status);
}

/** GoTo calls in the last hour, by outcome; older rows are pruned on the way. */
export function callsLastHour(sql: SqlStorage, now: number): { total: number; rateLimited: number; failed: number } {
  sql.exec("DELETE FROM calls WHERE at < ?", now - HOUR_MS);
  const row = sql
    .exec<{ total: number; rate_limited: number | null; failed: number | null }>(
      `SELECT count(*) AS total,
              sum(CASE WHEN status = 429 THEN 1 ELSE 0 END) AS rate_limited,
              sum(CASE WHEN status >= 500 OR status = 0 THEN 1 ELSE 0 END) AS failed
       FROM calls WHERE at >= ?`,
      now - HOUR_MS,
    )
    .one();
  return { total: row.total, rateLimited: row.rate_limited ?? 0, failed: row.failed ?? 0 };
}

export interface StoredWebhook {
  eventName: string;
  webhookKey: string;
  subscriptionKey: string | null;
  callbackUrl: string;
}

export function readWebhooks(sql: SqlStorage): StoredWebhook[] {
  return sql
    .exec<{ event_name: string; webhook_key: string; subscription_key: string | null; callback_url: string }>(
      "SELECT event_name, webhook_key, subscription_key, callback_url FROM webhooks",
    )
    .toArray()
    .map((r) => ({
      eventName: r.event_name,
      webhookKey: r.webhook_key,
      subscriptionKey: r.subscription_key,
      callbackUrl: r.callback_url,
    }));
}

export function writeWebhook(sql: SqlStorage, hook: StoredWebhook): void {
  sql.exec(
    `INSERT INTO webhooks (event_name, webhook_key, subscription_key, callback_url) VALUES (?, ?, ?, ?)
     ON CONFLICT(event_name) DO UPDATE SET webhook_key = excluded.webhook_key,
       subscription_key = excluded.subscription_key, callback_url = excluded.callback_url`,
    hook.eventName,
    hook.webhookKey,
    hook.subscriptionKey,
    hook.callbackUrl,
  );
}

/** Records an event key; false when it was seen before (a replay or a duplicate delivery). */
export function firstSighting(sql: SqlStorage, eventKey: string, now: number): boolean {
  sql.exec("DELETE FROM seen_events WHERE at < ?", now - 7 * 24 * HOUR_MS);
  const inserted = sql.exec("INSERT OR IGNORE INTO seen_events (event_key, at) VALUES (?, ?)", eventKey, now);
  return inserted.rowsWritten > 0;
}

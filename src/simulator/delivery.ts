import { signWebhook } from "../gotowebinar/webhook-signature";
import { all, one } from "./storage";

/**
 * Webhook delivery. Events are rows in `deliveries` (events.ts queues them); the object's alarm
 * calls `deliverDue`, which posts each due row to its callback with the signature headers of
 * webhook-signature.ts, through an injectable fetch (the DO's `deliveryFetch`, global fetch by
 * default, replaced in tests via runInDurableObject). Failed posts retry with backoff, up to
 * MAX_ATTEMPTS. Rows are marked `sending` before the awaited fetch because the fetch opens the
 * input gate and another alarm or request may run meanwhile.
 */
export const MAX_ATTEMPTS = 6;
const DELIVERY_TIMEOUT_MS = 10_000;

export interface DeliveryRow extends Record<string, SqlStorageValue> {
  id: number;
  user_subscription_key: string;
  event_name: string;
  event_key: string;
  url: string;
  body: string;
  state: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_at: number;
  created_at: number;
  delivered_at: number | null;
}

/** The secret in force now: the newest one whose validFrom has passed. */
export function currentSecret(sql: SqlStorage, now: number): string | null {
  return (
    one<{ value: string }>(
      sql,
      "SELECT value FROM webhook_secrets WHERE valid_from <= ? ORDER BY valid_from DESC, id DESC LIMIT 1",
      now,
    )?.value ?? null
  );
}

/** When the alarm should next run for deliveries, or null when nothing is pending. */
export function nextDeliveryAt(sql: SqlStorage): number | null {
  return (
    one<{ at: number | null }>(sql, "SELECT MIN(next_at) AS at FROM deliveries WHERE state = 'pending'")?.at ?? null
  );
}

export function listDeliveries(sql: SqlStorage, limit = 100): DeliveryRow[] {
  return all<DeliveryRow>(sql, "SELECT * FROM deliveries ORDER BY id DESC LIMIT ?", limit);
}

/** Posts every due delivery once; returns how many were attempted. */
export async function deliverDue(sql: SqlStorage, fetcher: typeof fetch, now: () => number): Promise<number> {
  const due = all<DeliveryRow>(
    sql,
    "SELECT * FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT 50",
    now(),
  );
  for (const row of due) sql.exec("UPDATE deliveries SET state = 'sending' WHERE id = ?", row.id);
  for (const row of due) {
    const sentAt = now();
    const secret = currentSecret(sql, sentAt);
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "GoToWebhooks/1.0" };
    if (secret) Object.assign(headers, await signWebhook(secret, row.body, sentAt));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetcher(
        new Request(row.url, {
          method: "POST",
          headers,
          body: row.body,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        }),
      );
      status = res.status;
      await res.body?.cancel();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const attempts = row.attempts + 1;
    if (status !== null && status >= 200 && status < 300) {
      sql.exec(
        "UPDATE deliveries SET state = 'delivered', attempts = ?, last_status = ?, last_error = NULL, delivered_at = ? WHERE id = ?",
        attempts,
        status,
        now(),
        row.id,
      );
    } else {
      const giveUp = attempts >= MAX_ATTEMPTS;
      sql.exec(
        "UPDATE deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?, next_at = ? WHERE id = ?",
        giveUp ? "failed" : "pending",
        attempts,
        status,
        error ?? `HTTP ${status}`,
        now() + 2 ** attempts * 1000,
        row.id,
      );
    }
  }
  return due.length;
}

/** Loopback hosts: a Rollcall running on this machine (`npm start`, the tests). */
export function isLoopback(url: URL): boolean {
  return url.hostname === "localhost" || url.hostname === "127.0.0.1" || url.hostname === "[::1]";
}

/**
 * GoTo checks a callback URL with a GET that must answer 200; it must be https. The simulator
 * also accepts plain http on loopback hosts (as OAuth servers do for redirect URIs), so a local
 * Rollcall can receive events.
 */
export async function callbackAccepted(fetcher: typeof fetch, url: string): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "callbackUrl is not a valid URL.";
  }
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLoopback(parsed))) {
    return "callbackUrl must use https.";
  }
  try {
    const res = await fetcher(new Request(url, { method: "GET", signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) }));
    await res.body?.cancel();
    if (res.status !== 200) return `callbackUrl answered ${res.status} to the validation GET; it must answer 200.`;
  } catch (e) {
    return `callbackUrl could not be reached: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}

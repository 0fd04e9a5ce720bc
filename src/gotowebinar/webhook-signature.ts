/**
 * ─── UNCONFIRMED: GoTo's webhook signature scheme ───────────────────────────────────────────────
 * GoTo signs webhook posts with the secret key's `value`, but the exact scheme (header names,
 * signed message, hash, encoding) is not confirmed by public sources (shared/docs/
 * gotowebinar-api.md §2.7). This module is the ONE place that defines it: the simulator signs
 * with `signWebhook`, Rollcall's webhook route verifies with `verifyWebhook`, both from
 * `WEBHOOK_SIGNATURE_SCHEME`. Confirm against developer.goto.com/guides/GoToWebinar/08_HOW_webhooks
 * before production and change only the scheme object (or pass another one).
 * ────────────────────────────────────────────────────────────────────────────────────────────────
 */

export interface WebhookSignatureScheme {
  /** Header carrying the signature. */
  signatureHeader: string;
  /** Header carrying the signing time (epoch milliseconds, decimal). */
  timestampHeader: string;
  /** HMAC hash. */
  hash: "SHA-256" | "SHA-1" | "SHA-512";
  /** How the MAC is written into the header. */
  encoding: "base64" | "hex";
  /** The bytes that are signed, from the timestamp header value and the raw body text. */
  message(timestamp: string, rawBody: string): string;
  /** Refuse signatures older or newer than this (replay window), in seconds; 0 turns the check off. */
  toleranceSeconds: number;
}

/** Our best understanding of GoTo's scheme (UNCONFIRMED, see above). */
export const WEBHOOK_SIGNATURE_SCHEME: WebhookSignatureScheme = {
  signatureHeader: "x-webhook-signature",
  timestampHeader: "x-webhook-signature-timestamp",
  hash: "SHA-256",
  encoding: "base64",
  message: (timestamp, rawBody) => `${timestamp}:${rawBody}`,
  toleranceSeconds: 300,
};

export type WebhookVerification =
  | { ok: true }
  | { ok: false; reason: "missing_signature" | "bad_timestamp" | "stale" | "mismatch" };

async function hmacKey(secret: string, hash: WebhookSignatureScheme["hash"]): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash }, false, [
    "sign",
    "verify",
  ]);
}

function encode(bytes: Uint8Array, encoding: WebhookSignatureScheme["encoding"]): string {
  if (encoding === "hex") return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return btoa(String.fromCharCode(...bytes));
}

function decode(text: string, encoding: WebhookSignatureScheme["encoding"]): Uint8Array | null {
  try {
    if (encoding === "hex") {
      if (!/^(?:[0-9a-fA-F]{2})+$/.test(text)) return null;
      return Uint8Array.from(text.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
    }
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The headers to send with a webhook body signed by `secret` at `timestampMs`. */
export async function signWebhook(
  secret: string,
  rawBody: string,
  timestampMs: number,
  scheme: WebhookSignatureScheme = WEBHOOK_SIGNATURE_SCHEME,
): Promise<Record<string, string>> {
  const timestamp = String(timestampMs);
  const key = await hmacKey(secret, scheme.hash);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(scheme.message(timestamp, rawBody)));
  return {
    [scheme.signatureHeader]: encode(new Uint8Array(mac), scheme.encoding),
    [scheme.timestampHeader]: timestamp,
  };
}

/**
 * Checks a received webhook: the signature over the raw body text (read it with `request.text()`
 * before parsing) and the timestamp's freshness. Comparison is constant-time (`subtle.verify`).
 */
export async function verifyWebhook(
  secret: string,
  headers: Headers,
  rawBody: string,
  nowMs: number = Date.now(),
  scheme: WebhookSignatureScheme = WEBHOOK_SIGNATURE_SCHEME,
): Promise<WebhookVerification> {
  const signature = headers.get(scheme.signatureHeader);
  const timestamp = headers.get(scheme.timestampHeader);
  if (!signature || !timestamp) return { ok: false, reason: "missing_signature" };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  if (scheme.toleranceSeconds > 0 && Math.abs(nowMs - Number(timestamp)) > scheme.toleranceSeconds * 1000) {
    return { ok: false, reason: "stale" };
  }
  const mac = decode(signature.trim(), scheme.encoding);
  if (!mac) return { ok: false, reason: "mismatch" };
  const key = await hmacKey(secret, scheme.hash);
  const valid = await crypto.subtle.verify(
    "HMAC",
    key,
    mac,
    new TextEncoder().encode(scheme.message(timestamp, rawBody)),
  );
  return valid ? { ok: true } : { ok: false, reason: "mismatch" };
}

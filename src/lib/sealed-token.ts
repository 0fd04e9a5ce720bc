import { fromBase64, randomBytes, toBase64Url } from "./encoding";
import { importSecretsKey } from "./secrets";

/**
 * A short opaque token for a link: a JSON payload sealed with AES-256-GCM under SECRETS_KEY, in
 * base64url so it travels in a path. The purpose is bound as additional data, so a token made for
 * one use opens for no other; any change to it fails the GCM tag. The payload carries its issue
 * time; a token older than `maxAgeMs` does not open.
 */
export type OpenedToken<T> = { ok: true; payload: T; issuedAt: number } | { ok: false; reason: "invalid" | "expired" };

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return fromBase64(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
}

export async function sealToken(
  secretsKey: string | undefined,
  purpose: string,
  payload: unknown,
  now: number,
): Promise<string> {
  const key = await importSecretsKey(secretsKey);
  const iv = randomBytes(12);
  const data = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(purpose) },
      key,
      new TextEncoder().encode(JSON.stringify({ p: payload, t: now })),
    ),
  );
  const out = new Uint8Array(iv.length + data.length);
  out.set(iv);
  out.set(data, iv.length);
  return toBase64Url(out);
}

export async function openToken<T>(
  secretsKey: string | undefined,
  purpose: string,
  token: string,
  input: { now: number; maxAgeMs: number; check: (payload: unknown) => payload is T },
): Promise<OpenedToken<T>> {
  if (!/^[A-Za-z0-9_-]{40,400}$/.test(token)) return { ok: false, reason: "invalid" };
  const key = await importSecretsKey(secretsKey);
  let opened: unknown;
  try {
    const bytes = fromBase64Url(token);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: new TextEncoder().encode(purpose) },
      key,
      bytes.slice(12),
    );
    opened = JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return { ok: false, reason: "invalid" };
  }
  const { p, t } = (opened ?? {}) as { p?: unknown; t?: unknown };
  if (typeof t !== "number" || !input.check(p)) return { ok: false, reason: "invalid" };
  if (input.now - t > input.maxAgeMs || t - input.now > 60_000) return { ok: false, reason: "expired" };
  return { ok: true, payload: p, issuedAt: t };
}

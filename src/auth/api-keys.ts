import type { Db } from "../db/client";
import { findActiveApiKeyByHash, insertApiKey, touchApiKey } from "../db/queries/api-keys";
import { newId, randomBytes, sha256Hex, toBase64Url } from "../lib/encoding";

/** API keys look like `rc_live_<43 chars>`; the list shows the first 12 characters. */
const KEY_PREFIX = "rc_live_";
const KEY_PATTERN = /^rc_live_[A-Za-z0-9_-]{43}$/;
const SHOWN_PREFIX_LENGTH = 12;

export async function createApiKey(
  db: Db,
  name: string,
  createdBy: string | null,
): Promise<{ id: string; key: string; prefix: string }> {
  const key = `${KEY_PREFIX}${toBase64Url(randomBytes(32))}`;
  const id = newId("key");
  const prefix = key.slice(0, SHOWN_PREFIX_LENGTH);
  await insertApiKey(db, { id, name, prefix, keyHash: await sha256Hex(key), createdBy });
  return { id, key, prefix };
}

export function looksLikeApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** Finds the active key; records its use at most once a minute to keep D1 writes down. */
export async function authenticateApiKey(db: Db, key: string, now: Date = new Date()): Promise<{ id: string } | null> {
  if (!looksLikeApiKey(key)) return null;
  const row = await findActiveApiKeyByHash(db, await sha256Hex(key));
  if (!row) return null;
  const last = row.lastUsedAt ? Date.parse(row.lastUsedAt) : 0;
  if (now.getTime() - last > 60_000) await touchApiKey(db, row.id, now.toISOString());
  return { id: row.id };
}

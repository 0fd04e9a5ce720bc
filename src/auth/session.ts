import type { Db } from "../db/client";
import { deleteSession, extendSession, findSessionWithUser, insertSession } from "../db/queries/sessions";
import type { CurrentUser } from "../env";
import { randomBytes, sha256Hex, toBase64Url } from "../lib/encoding";

export const SESSION_COOKIE = "rollcall_session";
/** Sessions expire after a week without use; every day of use pushes the expiry out again. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const SESSION_REFRESH_MS = 24 * 60 * 60 * 1000;
/** Sessions one user may have at once; the oldest ends when one more starts. */
export const MAX_SESSIONS_PER_USER = 10;

/**
 * When a session was last used, to within a day: every day of use moves its expiry to a week
 * ahead, so the expiry minus a week is the last time it was extended (or created).
 */
export function lastSeenOf(session: { createdAt: string; expiresAt: string }): string {
  const extended = new Date(session.expiresAt).getTime() - SESSION_TTL_MS;
  const created = new Date(session.createdAt).getTime();
  if (Number.isNaN(extended) || Number.isNaN(created)) return session.createdAt;
  return new Date(Math.max(extended, created)).toISOString();
}

export interface ValidSession {
  id: string;
  user: CurrentUser;
  expiresAt: Date;
  /** True when the expiry moved and the cookie should be re-sent. */
  extended: boolean;
}

/** Creates a session; returns the token for the cookie. Only its SHA-256 is stored. */
export async function createSession(
  db: Db,
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = toBase64Url(randomBytes(32));
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await insertSession(
    db,
    {
      id: await sha256Hex(token),
      userId,
      expiresAt: expiresAt.toISOString(),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    },
    MAX_SESSIONS_PER_USER,
    now.toISOString(),
  );
  return { token, expiresAt };
}

/** Looks a cookie token up; expired sessions and deactivated users are refused (and cleaned up). */
export async function validateSession(db: Db, token: string, now: Date = new Date()): Promise<ValidSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = await sha256Hex(token);
  const row = await findSessionWithUser(db, id);
  if (!row) return null;
  const expiresAt = new Date(row.expiresAt);
  if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= now.getTime() || !row.user.active) {
    await deleteSession(db, id);
    return null;
  }
  const user: CurrentUser = { id: row.user.id, email: row.user.email, name: row.user.name, role: row.user.role };
  if (expiresAt.getTime() - now.getTime() < SESSION_TTL_MS - SESSION_REFRESH_MS) {
    const next = new Date(now.getTime() + SESSION_TTL_MS);
    await extendSession(db, id, next.toISOString());
    return { id, user, expiresAt: next, extended: true };
  }
  return { id, user, expiresAt, extended: false };
}

export async function invalidateSession(db: Db, token: string): Promise<void> {
  await deleteSession(db, await sha256Hex(token));
}

/** The CSRF token of a session: derived from the cookie token, so it needs no storage. */
export async function csrfTokenFor(sessionToken: string): Promise<string> {
  return (await sha256Hex(`csrf:${sessionToken}`)).slice(0, 43);
}

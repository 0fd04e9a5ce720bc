import type { Db } from "../db/client";
import { recordAudit } from "../db/queries/audit";
import {
  clearFailuresForEmail,
  countRecentFailures,
  pruneLoginFailures,
  recordLoginFailure,
} from "../db/queries/login-failures";
import { countUsers, findUserByEmail, insertUser, setUserPassword, touchLastLogin } from "../db/queries/users";
import { throttleVerdict, windowStart } from "../domain/login-throttle";
import type { Role } from "../env";
import { newId } from "../lib/encoding";
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from "./password";

export class LoginThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Too many failed sign-ins");
  }
}

export type LoginResult = { ok: true; userId: string } | { ok: false };

/**
 * Checks an email and password. Unknown emails, wrong passwords and deactivated accounts all
 * answer the same way and cost the same PBKDF2 work, so the answer reveals nothing.
 */
export async function attemptLogin(
  db: Db,
  emailInput: string,
  password: string,
  ip: string,
  now: Date = new Date(),
): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const verdict = throttleVerdict(await countRecentFailures(db, windowStart(now), email, ip));
  if (!verdict.allowed) throw new LoginThrottledError(verdict.retryAfterSeconds);

  const user = await findUserByEmail(db, email);
  const matches = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !matches || !user.active) {
    await recordLoginFailure(db, email, ip, now.toISOString());
    await recordAudit(db, { actorId: user?.id ?? null, action: "login.failed", subject: email, ip });
    return { ok: false };
  }
  if (needsRehash(user.passwordHash)) await setUserPassword(db, user.id, await hashPassword(password));
  await clearFailuresForEmail(db, email);
  await pruneLoginFailures(db, windowStart(now));
  await touchLastLogin(db, user.id, now.toISOString());
  await recordAudit(db, { actorId: user.id, action: "login.succeeded", subject: email, ip });
  return { ok: true, userId: user.id };
}

export async function createUser(
  db: Db,
  input: { email: string; name: string; role: Role; password: string },
): Promise<{ id: string } | null> {
  const id = newId("usr");
  const created = await insertUser(db, {
    id,
    email: input.email.trim().toLowerCase(),
    name: input.name.trim(),
    role: input.role,
    passwordHash: await hashPassword(input.password),
  });
  return created ? { id } : null;
}

/**
 * Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no user exists yet. Safe to call
 * on every request: after the first user it is one cheap count, and the unique email index makes
 * a race between two first requests create one admin.
 */
export async function bootstrapAdmin(
  db: Db,
  email: string | undefined,
  password: string | undefined,
): Promise<boolean> {
  if (!email || !password) return false;
  if ((await countUsers(db)) > 0) return false;
  const created = await createUser(db, { email, name: "Administrator", role: "admin", password });
  if (created) await recordAudit(db, { actorId: null, action: "user.bootstrapped", subject: email.toLowerCase() });
  return created !== null;
}

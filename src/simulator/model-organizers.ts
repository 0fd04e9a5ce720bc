/** Organizers: the row type, lookups by email or key, and creation (idempotent by email). */

import { all, newKey, one } from "./storage";

export interface OrganizerRow extends Record<string, SqlStorageValue> {
  organizer_key: string;
  account_key: string;
  email: string;
  first_name: string;
  last_name: string;
  time_zone: string;
  created_at: number;
}

export function organizerByEmail(sql: SqlStorage, email: string): OrganizerRow | null {
  return one<OrganizerRow>(sql, "SELECT * FROM organizers WHERE email = ? COLLATE NOCASE", email.trim());
}

export function organizerByKey(sql: SqlStorage, key: string): OrganizerRow | null {
  return one<OrganizerRow>(sql, "SELECT * FROM organizers WHERE organizer_key = ?", key);
}

export function listOrganizers(sql: SqlStorage): OrganizerRow[] {
  return all<OrganizerRow>(sql, "SELECT * FROM organizers ORDER BY created_at, email");
}

/** Creates an organizer, or returns the existing one with that email (case-insensitive). */
export function createOrganizer(
  sql: SqlStorage,
  input: { email: string; firstName: string; lastName: string; accountKey?: string; timeZone?: string },
  now: number,
): { organizer: OrganizerRow; created: boolean } {
  const existing = organizerByEmail(sql, input.email);
  if (existing) return { organizer: existing, created: false };
  const organizer: OrganizerRow = {
    organizer_key: newKey(7),
    account_key: input.accountKey ?? newKey(4),
    email: input.email.trim(),
    first_name: input.firstName,
    last_name: input.lastName,
    time_zone: input.timeZone ?? "America/New_York",
    created_at: now,
  };
  sql.exec(
    "INSERT INTO organizers (organizer_key, account_key, email, first_name, last_name, time_zone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ...Object.values(organizer),
  );
  return { organizer, created: true };
}

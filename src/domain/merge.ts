/**
 * Merge resolution: which of two prospects' activities and registrations survive when one
 * is merged into the other. Pure: the query layer reads the rows, asks here, then writes one batch.
 *
 * Rules:
 * - the master keeps its identity (id, email); the merged-away prospect's email is recorded;
 * - activities move to the master; two activities with the same dedupe key are the same event,
 *   so one stays: the earlier one (on a tie, the master's), because that is when it first happened;
 * - registrations move to the master; two for the same webinar collapse into the one that tells
 *   the most: attended first, then more minutes, then the further status, then the master's;
 * - master fields that are empty are filled from the merged-away prospect; set ones never change.
 */

export type MergeErrorCode = "same_prospect" | "not_found" | "already_merged";

export class MergeError extends Error {
  constructor(
    readonly code: MergeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "MergeError";
  }
}

export interface MergeCandidate {
  id: string;
  email: string;
  mergedIntoId: string | null;
}

/** Throws a MergeError that says what to do when the two prospects cannot be merged. */
export function checkMerge(master: MergeCandidate | null, other: MergeCandidate | null): void {
  if (!master || !other) {
    throw new MergeError("not_found", "One of the prospects does not exist any more. Search for it again.");
  }
  if (master.id === other.id) {
    throw new MergeError(
      "same_prospect",
      "You chose the same prospect twice. Choose two different prospects to merge.",
    );
  }
  for (const p of [master, other]) {
    if (p.mergedIntoId) {
      throw new MergeError(
        "already_merged",
        `${p.email} was already merged into another prospect. Merge that prospect instead.`,
      );
    }
  }
}

export interface MergeActivity {
  id: string;
  prospectId: string;
  dedupeKey: string;
  occurredAt: string;
}

export type RegistrationStatus = "pending" | "registered" | "waiting" | "approved" | "denied" | "error" | "cancelled";

export interface MergeRegistration {
  id: string;
  prospectId: string;
  webinarId: string;
  status: RegistrationStatus;
  attended: boolean;
  minutesAttended: number;
}

/** How far a registration got with GoTo: the further one is kept. */
const STATUS_RANK: Record<RegistrationStatus, number> = {
  approved: 7,
  registered: 6,
  waiting: 5,
  pending: 4,
  error: 3,
  denied: 2,
  cancelled: 1,
};

export interface MergePlan {
  dropActivityIds: string[];
  dropRegistrationIds: string[];
}

function keepActivity(a: MergeActivity, b: MergeActivity, masterId: string): MergeActivity {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? a : b;
  return a.prospectId === masterId ? a : b;
}

/** Negative when `a` should be kept over `b`. */
export function compareRegistrations(a: MergeRegistration, b: MergeRegistration, masterId: string): number {
  if (a.attended !== b.attended) return a.attended ? -1 : 1;
  if (a.minutesAttended !== b.minutesAttended) return b.minutesAttended - a.minutesAttended;
  if (a.status !== b.status) return STATUS_RANK[b.status] - STATUS_RANK[a.status];
  if (a.prospectId !== b.prospectId) return a.prospectId === masterId ? -1 : 1;
  return 0;
}

/** Which rows of the two prospects to delete so that moving the rest to the master breaks no unique key. */
export function planMerge(
  masterId: string,
  activities: readonly MergeActivity[],
  registrations: readonly MergeRegistration[],
): MergePlan {
  const dropActivityIds: string[] = [];
  const byKey = new Map<string, MergeActivity>();
  for (const a of activities) {
    const seen = byKey.get(a.dedupeKey);
    if (!seen) {
      byKey.set(a.dedupeKey, a);
      continue;
    }
    const kept = keepActivity(seen, a, masterId);
    dropActivityIds.push(kept === seen ? a.id : seen.id);
    byKey.set(a.dedupeKey, kept);
  }

  const dropRegistrationIds: string[] = [];
  const byWebinar = new Map<string, MergeRegistration>();
  for (const r of registrations) {
    const seen = byWebinar.get(r.webinarId);
    if (!seen) {
      byWebinar.set(r.webinarId, r);
      continue;
    }
    const kept = compareRegistrations(seen, r, masterId) <= 0 ? seen : r;
    dropRegistrationIds.push(kept === seen ? r.id : seen.id);
    byWebinar.set(r.webinarId, kept);
  }
  return { dropActivityIds, dropRegistrationIds };
}

export interface MergeFields {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  jobTitle: string | null;
  phone: string | null;
  country: string | null;
  campaignId: string | null;
  customFields: string;
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function blank(value: string | null): boolean {
  return value === null || value.trim() === "";
}

/** The master's fields after the merge: its own where set, the other's where the master's are empty. */
export function mergeFields(master: MergeFields, other: MergeFields): MergeFields {
  const pick = (a: string | null, b: string | null): string | null => (blank(a) ? b : a);
  return {
    firstName: pick(master.firstName, other.firstName),
    lastName: pick(master.lastName, other.lastName),
    company: pick(master.company, other.company),
    jobTitle: pick(master.jobTitle, other.jobTitle),
    phone: pick(master.phone, other.phone),
    country: pick(master.country, other.country),
    campaignId: master.campaignId ?? other.campaignId,
    customFields: JSON.stringify({ ...parseObject(other.customFields), ...parseObject(master.customFields) }),
  };
}

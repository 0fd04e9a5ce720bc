import { env } from "cloudflare:workers";
import { createApiKey } from "../../src/auth/api-keys";
import { createDb, type Db } from "../../src/db/client";
import { insertConnector } from "../../src/db/queries/connectors";
import { writeWebinars } from "../../src/db/queries/webinars";
import { activities, engagements, prospects, registrations, unmatchedRegistrants } from "../../src/db/schema";
import { newId } from "../../src/lib/encoding";

/** Seeds D1 directly for the report, prospect and API tests: no GoTo, no sync engine. */

export function db(): Db {
  return createDb(env.DB);
}

const HOUR = 3_600_000;
export const iso = (offsetHours: number): string => new Date(Date.now() + offsetHours * HOUR).toISOString();

export async function seedConnector(): Promise<string> {
  const id = newId("con");
  await insertConnector(db(), {
    id,
    organizerEmail: `org-${id.slice(4, 10).toLowerCase()}@example.com`,
    createProspects: true,
    campaignId: null,
    createdBy: null,
  });
  return id;
}

let keyCounter = 1_000_000_000_000;

/** A webinar with sessions at the given hour offsets from now; returns its id. */
export async function seedWebinar(
  connectorId: string,
  subject: string,
  sessions: [number, number][],
  opts: { cancelled?: boolean } = {},
): Promise<string> {
  const id = newId("web");
  await writeWebinars(
    db(),
    connectorId,
    [
      {
        id,
        facts: {
          webinarKey: String(++keyCounter * 1000 + 7),
          subject,
          description: null,
          times: sessions.map(([s, e]) => ({ startTime: iso(s), endTime: iso(e) })),
          timeZone: "Europe/Berlin",
          registrationUrl: null,
          approvalType: null,
        },
      },
    ],
    new Date().toISOString(),
  );
  if (opts.cancelled) await env.DB.prepare("UPDATE webinars SET status = 'cancelled' WHERE id = ?").bind(id).run();
  return id;
}

export async function seedProspect(
  email: string,
  fields: Partial<typeof prospects.$inferInsert> = {},
  createdAt = new Date().toISOString(),
): Promise<string> {
  const id = newId("pro");
  await db()
    .insert(prospects)
    .values({ id, email, source: "gotowebinar", updatedAt: createdAt, createdAt, ...fields });
  return id;
}

type RegStatus = (typeof registrations.$inferInsert)["status"];

export async function seedRegistration(
  prospectId: string,
  webinarId: string,
  status: RegStatus,
  opts: { attended?: boolean; minutes?: number; errorMessage?: string; registeredAt?: string; source?: "form" } = {},
): Promise<string> {
  const id = newId("reg");
  const at = opts.registeredAt ?? new Date().toISOString();
  await db()
    .insert(registrations)
    .values({
      id,
      prospectId,
      webinarId,
      status,
      registrantKey: status === "pending" ? null : String(++keyCounter),
      source: opts.source ?? "gotowebinar",
      attended: opts.attended ?? false,
      minutesAttended: opts.minutes ?? 0,
      errorMessage: opts.errorMessage ?? null,
      registeredAt: at,
      updatedAt: at,
    });
  return id;
}

/** An activity and the score that goes with it, as ingestion would write them. */
export async function seedActivity(
  prospectId: string,
  webinarId: string | null,
  type: string,
  points: number,
  opts: { kind?: string; occurredAt?: string; minutes?: number } = {},
): Promise<string> {
  const id = newId("act");
  const kind = opts.kind ?? type.replace(/^webinar_/, "");
  await db()
    .insert(activities)
    .values({
      id,
      prospectId,
      webinarId,
      type,
      dedupeKey: webinarId ? `webinar:${webinarId}:${kind}` : `other:${id}`,
      points,
      minutes: opts.minutes ?? null,
      occurredAt: opts.occurredAt ?? new Date().toISOString(),
    });
  await env.DB.prepare(
    "UPDATE prospects SET score = (SELECT coalesce(sum(points), 0) FROM activities WHERE prospect_id = ?1) WHERE id = ?1",
  )
    .bind(prospectId)
    .run();
  return id;
}

/** A poll answer, survey answer or question in the engagements table, as the engagement sync writes them. */
export async function seedEngagement(
  prospectId: string,
  webinarId: string,
  kind: "poll" | "survey" | "question" = "poll",
): Promise<void> {
  const id = newId("eng");
  await db()
    .insert(engagements)
    .values({
      id,
      webinarId,
      prospectId,
      sessionKey: "1",
      kind,
      question: `Question ${id}`,
      answers: JSON.stringify(["Yes"]),
      occurredAt: new Date().toISOString(),
      dedupeKey: `seed:${id}`,
    });
}

export async function seedUnmatched(webinarId: string, email: string): Promise<void> {
  await db()
    .insert(unmatchedRegistrants)
    .values({
      webinarId,
      registrantKey: String(++keyCounter),
      email,
      firstName: "Un",
      lastName: "Matched",
      status: "APPROVED",
      seenAt: new Date().toISOString(),
    });
}

export async function apiKey(): Promise<string> {
  return (await createApiKey(db(), "report tests", null)).key;
}

export async function getJson<T>(path: string, key: string): Promise<{ status: number; body: T }> {
  const { call } = await import("../helpers");
  const res = await call(path, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as T };
}

export interface WebinarFixture {
  connectorId: string;
  finished: string;
  upcoming: string;
  cancelled: string;
  /** email → prospect id of the finished webinar's people. */
  people: Record<string, string>;
}

/**
 * A finished two-session webinar with every registration state, an upcoming one and a cancelled
 * one. Finished counts: registered 4 (ann, bob, cat, dan), accepted 2 (ann, cat), attended 2
 * (ann, bob), absent 2 (cat, dan); eve is in the outbox, fay in error, gus denied, hal cancelled.
 */
export async function seedWebinarFixture(tag: string): Promise<WebinarFixture> {
  const connectorId = await seedConnector();
  const finished = await seedWebinar(connectorId, `Finished ${tag}`, [
    [-50, -49],
    [-26, -25],
  ]);
  const upcoming = await seedWebinar(connectorId, `Upcoming ${tag}`, [[48, 49]]);
  const cancelled = await seedWebinar(connectorId, `Cancelled ${tag}`, [[72, 73]], { cancelled: true });
  const people: Record<string, string> = {};
  const setups: [string, RegStatus, { attended?: boolean; minutes?: number; errorMessage?: string }][] = [
    ["ann", "approved", { attended: true, minutes: 45 }],
    ["bob", "registered", { attended: true, minutes: 10 }],
    ["cat", "approved", {}],
    ["dan", "waiting", {}],
    ["eve", "pending", {}],
    ["fay", "error", { errorMessage: "Missing answer to the required question “Company size”." }],
    ["gus", "denied", {}],
    ["hal", "cancelled", {}],
  ];
  let minute = 0;
  for (const [name, status, opts] of setups) {
    const email = `${name}-${tag}@example.com`;
    const id = await seedProspect(email, { firstName: name.toUpperCase(), lastName: `Tester ${tag}` });
    people[email] = id;
    await seedRegistration(id, finished, status, { ...opts, registeredAt: iso(-100 + minute++ / 60) });
    await seedActivity(id, finished, "webinar_registered", 10, { occurredAt: iso(-100) });
    if (status === "approved") await seedActivity(id, finished, "webinar_accepted", 5, { occurredAt: iso(-99) });
    if (opts.attended) {
      await seedActivity(id, finished, "webinar_attended", 25, { occurredAt: iso(-49), minutes: opts.minutes ?? 0 });
    }
  }
  const ann = people[`ann-${tag}@example.com`] ?? "";
  await seedRegistration(ann, upcoming, "registered");
  await seedUnmatched(finished, `stranger1-${tag}@example.com`);
  await seedUnmatched(finished, `stranger2-${tag}@example.com`);
  return { connectorId, finished, upcoming, cancelled, people };
}

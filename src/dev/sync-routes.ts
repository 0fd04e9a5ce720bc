import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import * as v from "valibot";
import { createDb } from "../db/client";
import { insertActivities, type NewActivity, webinarActivityKey } from "../db/queries/activities";
import { normalizeEmail } from "../db/queries/prospects";
import { runBatch, type Statement } from "../db/queries/statements";
import { engagements, prospects, registrations, webinars } from "../db/schema";
import { newId } from "../lib/encoding";
import { rateBudget } from "../sync/rate-budget";
import type { DevAppEnv } from "./env";

/**
 * /sim/sync: a simulator-mode-only surface over the sync engine for benchmarks and local poking
 * (the Durable Objects' RPC is not reachable from outside the Worker), in the development entry
 * only. It is mounted inside the simulator routes, whose guard answers 404 for every /sim path
 * unless GOTO_MODE=simulator.
 */
export const syncDevRoutes = new Hono<DevAppEnv>();

syncDevRoutes.use(async (c, next) => {
  if (c.env.GOTO_MODE !== "simulator") return c.notFound();
  await next();
});

const RegistrationBody = v.object({
  email: v.pipe(v.string(), v.trim(), v.email(), v.maxLength(254)),
  firstName: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(128)),
  lastName: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(128)),
});

async function json<S extends v.GenericSchema>(schema: S, request: Request): Promise<v.InferOutput<S> | null> {
  const parsed = v.safeParse(schema, await request.json().catch(() => null));
  return parsed.success ? parsed.output : null;
}

/** The webinar of a connector by GoTo key, once discovery has stored it. */
syncDevRoutes.get("/webinars", async (c) => {
  const connectorId = c.req.query("connectorId") ?? "";
  const webinarKey = c.req.query("webinarKey") ?? "";
  const [row] = await createDb(c.env.DB)
    .select({ id: webinars.id })
    .from(webinars)
    .where(and(eq(webinars.connectorId, connectorId), eq(webinars.webinarKey, webinarKey)))
    .limit(1);
  return row ? c.json(row) : c.json({ error: { code: "not_found", message: "Not discovered (yet)." } }, 404);
});

/**
 * Much of what a form does for "Register for webinar" (prospect and pending registration in one
 * batch; no activity, the Registered one comes with the outbox's answer), then the outbox's
 * `register`. Answers when `register` has returned.
 */
syncDevRoutes.post("/webinars/:webinarId/registrations", async (c) => {
  const body = await json(RegistrationBody, c.req.raw);
  if (!body) return c.json({ error: { code: "invalid_request", message: "email, firstName, lastName" } }, 400);
  const webinarId = c.req.param("webinarId");
  const db = createDb(c.env.DB);
  const now = new Date().toISOString();
  const prospectId = newId("pro");
  const registrationId = newId("reg");
  const email = normalizeEmail(body.email);
  await db.batch([
    db.insert(prospects).values({
      id: prospectId,
      email,
      firstName: body.firstName,
      lastName: body.lastName,
      source: "form",
      updatedAt: now,
    }),
    db.insert(registrations).values({
      id: registrationId,
      prospectId,
      webinarId,
      status: "pending",
      source: "form",
      registeredAt: now,
      updatedAt: now,
    }),
  ]);
  const queued = await c.env.WEBINAR_SYNC.getByName(webinarId).register({
    registrationId,
    webinarId,
    prospectId,
    registrant: { email, firstName: body.firstName, lastName: body.lastName },
  });
  return c.json({ registrationId, ...queued, returnedAt: Date.now() });
});

syncDevRoutes.post("/webinars/:webinarId/sync", async (c) => {
  await c.env.WEBINAR_SYNC.getByName(c.req.param("webinarId")).syncNow();
  return c.json({ ok: true });
});

syncDevRoutes.get("/webinars/:webinarId/status", async (c) => {
  return c.json(await c.env.WEBINAR_SYNC.getByName(c.req.param("webinarId")).status());
});

/** The GoTo limit the deployment's rate budget spends (GoTo raises it per client ID on request). */
syncDevRoutes.post("/rate-limit", async (c) => {
  const body = await json(
    v.object({ limit: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)) }),
    c.req.raw,
  );
  if (!body) return c.json({ error: { code: "invalid_request", message: "limit: 1 to 1000" } }, 400);
  await rateBudget(c.env).setLimit(body.limit);
  return c.json({ ok: true });
});

/** Rows per activities statement: ingestion's batch of 250 prospects with three activities each. */
const ACTIVITIES_PER_STATEMENT = 750;

/**
 * The ingestion benchmark's baseline: the rows an ingestion of `registrants` (of whom `attendees`
 * attended) writes, inserted straight into D1 in batches (prospects and registrations as plain
 * multi-row INSERTs under the 100-parameter limit, activities with the recorder's insert); no
 * reads, no matching. Answers how long that took.
 */
syncDevRoutes.post("/webinars/:webinarId/baseline-insert", async (c) => {
  const body = await json(
    v.object({
      registrants: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50_000)),
      attendees: v.pipe(v.number(), v.integer(), v.minValue(0)),
      tag: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,20}$/)),
      /** Registration times spread over this many days before now, attendees' minutes spread 1 to 120. */
      spreadDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365))),
      /** The first this many attendees answer a poll (one engagement row each). */
      engaged: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    }),
    c.req.raw,
  );
  if (!body) {
    return c.json(
      { error: { code: "invalid_request", message: "registrants, attendees, tag (spreadDays, engaged optional)" } },
      400,
    );
  }
  const webinarId = c.req.param("webinarId");
  const db = createDb(c.env.DB);
  const started = Date.now();
  const now = new Date().toISOString();
  const ps: (typeof prospects.$inferInsert)[] = [];
  const rs: (typeof registrations.$inferInsert)[] = [];
  const as: NewActivity[] = [];
  const es: (typeof engagements.$inferInsert)[] = [];
  const spread = body.spreadDays ?? 0;
  for (let i = 0; i < body.registrants; i++) {
    const prospectId = newId("pro");
    const attended = i < body.attendees;
    const registeredAt = spread ? new Date(started - ((i * 7919) % (spread * 86_400)) * 1000).toISOString() : now;
    const minutes = attended ? (spread ? 1 + ((i * 37) % 120) : 30) : 0;
    if (attended && i < (body.engaged ?? 0)) {
      es.push({
        id: newId("eng"),
        webinarId,
        prospectId,
        sessionKey: "bench",
        kind: "poll",
        question: "Which one?",
        answers: "[]",
        occurredAt: now,
        dedupeKey: `bench:${body.tag}:${i}`,
      });
    }
    ps.push({
      id: prospectId,
      email: `${body.tag}-${i}@example.com`,
      firstName: "F",
      lastName: "L",
      source: "gotowebinar",
      score: attended ? 40 : 15,
      updatedAt: now,
    });
    rs.push({
      id: newId("reg"),
      prospectId,
      webinarId,
      registrantKey: String(1e15 + i),
      joinUrl: `https://example.com/j/${i}`,
      status: "approved",
      source: "gotowebinar",
      attended,
      minutesAttended: minutes,
      registeredAt,
      updatedAt: now,
    });
    for (const kind of attended
      ? (["registered", "accepted", "attended"] as const)
      : (["registered", "accepted"] as const)) {
      as.push({
        id: newId("act"),
        prospectId,
        webinarId,
        type: `webinar_${kind}`,
        dedupeKey: webinarActivityKey(webinarId, kind),
        points: 5,
        minutes: kind === "attended" ? minutes : null,
        detail: null,
        occurredAt: now,
        createdAt: null,
      });
    }
  }
  const statements: Statement[] = [];
  const chunked = <T>(rows: T[], make: (chunk: T[]) => { toSQL(): { params: unknown[] } } & Statement): void => {
    const first = rows[0];
    if (first === undefined) return;
    const per = Math.max(1, Math.floor(100 / make([first]).toSQL().params.length));
    for (let i = 0; i < rows.length; i += per) statements.push(make(rows.slice(i, i + per)));
  };
  chunked(ps, (chunk) => db.insert(prospects).values(chunk));
  chunked(rs, (chunk) => db.insert(registrations).values(chunk));
  chunked(es, (chunk) => db.insert(engagements).values(chunk));
  // Activities go in with the recorder's own statement (one JSON parameter), as ingestion writes them.
  for (let i = 0; i < as.length; i += ACTIVITIES_PER_STATEMENT)
    statements.push(insertActivities(as.slice(i, i + ACTIVITIES_PER_STATEMENT)));
  for (let i = 0; i < statements.length; i += 100) await runBatch(db, statements.slice(i, i + 100));
  return c.json({ ms: Date.now() - started, statements: statements.length, rows: ps.length + rs.length + as.length });
});

import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { call, rows, type Session } from "../helpers";
import { adminSession, controlJson } from "./connector-helpers";
import { NO_FAULTS as NO_ANSWER_FAULTS } from "./gotowebinar-helpers";
import { DAY, HOUR, MINUTE, pendingRegistrations, pollDone, session, syncFixture } from "./sync-helpers";

/**
 * Discovery, a registrant poll, an attendance pass and the outbox under each way GoTo answers
 * badly (badAnswerRate kinds, ambiguousRate kinds, slowBodyMs). While the fault is on for the
 * calls `paths` aims it at, the connector and webinar pages explain it in one sentence; under a
 * partial rate everything completes on retry, and nothing is lost or doubled.
 */

/** Short, so a hung answer costs 2 s instead of 15 (the setting is read on every gateway call). */
const TIMEOUT_MS = 2000;
/** No faults, and GoTo's limit far above anything these runs send. */
const NO_FAULTS = { ...NO_ANSWER_FAULTS, rateLimitPerSecond: 100_000 };

interface FaultKind {
  name: string;
  /** The fault at full strength: every matching call meets it. */
  full: Record<string, unknown>;
  /** The fault at a rate the retries get through. */
  partial: Record<string, unknown>;
  /** The sentence the pages show, before " (the call)." */
  sentence: string;
  registrations: number;
}

const bad = (kind: string, sentence: string): FaultKind => ({
  name: `bad answer: ${kind}`,
  full: { badAnswerRate: 1, badAnswerKinds: [kind] },
  partial: { badAnswerRate: 0.3, badAnswerKinds: [kind] },
  sentence,
  registrations: 100,
});

const KINDS: FaultKind[] = [
  bad("htmlErrorPage", "GoTo answered with an HTML error page (502)"),
  bad("htmlOk", "GoTo answered with a web page instead of data (200)"),
  bad("truncated", "GoTo's answer was cut off"),
  bad("empty", "GoTo's answer was empty"),
  bad("wrongFields", "GoTo's answer had fields missing or of the wrong type"),
  {
    name: "ambiguous: took effect, then 500",
    full: { ambiguousRate: 1, ambiguousKinds: ["error500"] },
    partial: { ambiguousRate: 0.3, ambiguousKinds: ["error500"] },
    sentence: "GoTo had an internal error (500)",
    registrations: 100,
  },
  {
    name: "ambiguous: took effect, then never finished",
    full: { ambiguousRate: 1, ambiguousKinds: ["hang"] },
    partial: { ambiguousRate: 0.1, ambiguousKinds: ["hang"] },
    sentence: `GoTo did not finish answering within ${TIMEOUT_MS / 1000} s`,
    registrations: 20,
  },
  {
    name: "slow body",
    full: { slowBodyMs: 3 * TIMEOUT_MS },
    partial: { slowBodyMs: 200 },
    sentence: `GoTo did not finish answering within ${TIMEOUT_MS / 1000} s`,
    registrations: 20,
  },
];

/** The webinar list, the registrant list and create registrant: the paths a fault is aimed at first. */
const AIMED = "/webinars$|/registrants$";

beforeAll(() => {
  (env as unknown as Env).GOTO_TIMEOUT_MS = String(TIMEOUT_MS);
});

afterEach(async () => {
  await controlJson("PUT", "/faults", NO_FAULTS);
});

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  kick: () => Promise<unknown>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last: ${JSON.stringify(value).slice(0, 800)}`);
    await kick();
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Page text with the entities hono/jsx writes turned back into characters. */
async function pageText(admin: Session, path: string): Promise<string> {
  const res = await call(path, { cookie: admin.cookie });
  expect(res.status).toBe(200);
  return (await res.text()).replaceAll("&#39;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}

const GOTO_FORM_REGISTRANTS = 5;
const ATTENDEES = 3;

describe.each(KINDS)("under $name", (kind) => {
  it("the pages explain it while it lasts; discovery, polls, attendance and the outbox complete on retry, nothing lost or doubled", async () => {
    const admin = await adminSession();
    await controlJson("PUT", "/faults", NO_FAULTS);
    const tag = kind.name.replace(/[^a-z]+/gi, "").toLowerCase();
    const ended = Date.now() - 3 * HOUR;
    const fx = await syncFixture(
      [
        { subject: `Upcoming ${tag}`, times: [session(6 * DAY)] },
        {
          subject: `Finished ${tag}`,
          times: [{ startTime: new Date(ended).toISOString(), endTime: new Date(ended + HOUR).toISOString() }],
        },
      ],
      async (webinarKey, index) => {
        const people = index === 0 ? GOTO_FORM_REGISTRANTS : ATTENDEES;
        for (let i = 0; i < people; i++) {
          const email = `goto-${index}-${i}-${tag}@example.com`;
          await controlJson("POST", `/webinars/${webinarKey}/registrants`, {
            email,
            firstName: "Go",
            lastName: `To${i}`,
          });
          if (index === 1) {
            await controlJson("POST", `/webinars/${webinarKey}/attendance`, {
              email,
              joinTime: new Date(ended + 5 * MINUTE).toISOString(),
              leaveTime: new Date(ended + (15 + i * 10) * MINUTE).toISOString(),
            });
          }
        }
      },
    );
    const [upcoming, finished] = fx.webinars;
    if (!upcoming || !finished) throw new Error("no webinars");
    const gateway = env.GOTO_GATEWAY.getByName(fx.connectorId);
    const sync = env.WEBINAR_SYNC.getByName(upcoming.id);
    // The first polls, before any fault.
    await pollDone(upcoming.id, "");
    await pollDone(finished.id, "");

    // 1. At full strength on the aimed paths: each place says what GoTo did, in words.
    await controlJson("PUT", "/faults", { ...kind.full, paths: AIMED });
    await gateway.syncNow();
    await until(
      () => gateway.health(),
      (h) => h.discovery?.phase === "failed",
      () => runDurableObjectAlarm(gateway),
    );
    const connectorPage = await pageText(admin, `/admin/connectors/${fx.connectorId}`);
    expect(connectorPage).toContain(`${kind.sentence} when asked to list webinars.`);

    const [probe] = await pendingRegistrations(upcoming.id, 1, `probe-${tag}`);
    if (!probe) throw new Error("no probe");
    await sync.register(probe);
    await sync.syncNow();
    const failing = await until(
      () => sync.status(),
      (s) => s.lastError !== null && s.outbox.retrying.length > 0,
      async () => undefined,
    );
    expect(failing.lastError?.message).toBe(`${kind.sentence} when asked to list registrants.`);
    expect(failing.outbox.retrying[0]?.lastError).toBe(`${kind.sentence} when asked to register someone.`);
    const webinarPage = await pageText(admin, `/admin/webinars/${upcoming.id}`);
    expect(webinarPage).toContain(`${kind.sentence} when asked to list registrants.`);
    expect(webinarPage).toContain(`${kind.sentence} when asked to register someone.`);
    // No stack, no class name, no raw body of what GoTo sent.
    expect(webinarPage).not.toMatch(/\bat \w+ \(|GoTo\w+Error|502 Bad Gateway|Service maintenance|InternalServerError/);

    // 2. At a partial rate on every path: everything completes on retry.
    await controlJson("PUT", "/faults", { ...NO_FAULTS, ...kind.partial });
    const since = new Date(Date.now() - 1).toISOString();
    await gateway.syncNow();
    await until(
      () => gateway.health(),
      (h) => h.discovery?.phase === "done" && (h.discovery.startedAt ?? "") > since,
      async () => {
        if ((await gateway.health()).discovery?.phase === "failed") await gateway.syncNow();
        await runDurableObjectAlarm(gateway);
      },
    );
    const requests = await pendingRegistrations(upcoming.id, kind.registrations, `form-${tag}`);
    for (const r of requests) await sync.register(r);
    for (const w of [upcoming, finished]) {
      const stub = env.WEBINAR_SYNC.getByName(w.id);
      const pollSince = new Date(Date.now() - 1).toISOString();
      await stub.syncNow();
      await until(
        () => stub.status(),
        (s) => (s.lastSyncAt ?? "") > pollSince && s.outbox.waiting === 0,
        async () => {
          if ((await stub.status()).lastError) await stub.syncNow();
        },
        240_000,
      );
    }

    // 3. Nothing lost, nothing doubled.
    await controlJson("PUT", "/faults", NO_FAULTS);
    const discovered = await rows<{ webinar_key: string }>(
      "SELECT webinar_key FROM webinars WHERE connector_id = ?",
      fx.connectorId,
    );
    expect(discovered.map((w) => w.webinar_key).sort()).toEqual([upcoming.webinarKey, finished.webinarKey].sort());
    const clean = await pageText(admin, `/admin/connectors/${fx.connectorId}`);
    expect(clean).not.toContain(kind.sentence);

    const state = await controlJson<{ registrants: { email: string; registrantKey: string }[] }>(
      "GET",
      `/state?webinarKey=${upcoming.webinarKey}`,
    );
    const pushed = [probe, ...requests].map((r) => r.registrant.email);
    const inGoTo = state.registrants.filter((r) => pushed.includes(r.email));
    expect(inGoTo).toHaveLength(pushed.length);
    expect(new Set(inGoTo.map((r) => r.email)).size).toBe(pushed.length);
    const keyByEmail = new Map(inGoTo.map((r) => [r.email, r.registrantKey]));
    const stored = await rows<{
      email: string;
      status: string;
      registrant_key: string | null;
      join_url: string | null;
    }>(
      `SELECT p.email, r.status, r.registrant_key, r.join_url FROM registrations r JOIN prospects p ON p.id = r.prospect_id
       WHERE r.webinar_id = ?`,
      upcoming.id,
    );
    const ours = stored.filter((r) => pushed.includes(r.email));
    expect(ours).toHaveLength(pushed.length);
    expect(ours.filter((r) => r.status !== "approved" || r.registrant_key !== keyByEmail.get(r.email))).toEqual([]);
    expect(ours.every((r) => r.join_url?.includes(r.registrant_key ?? "-"))).toBe(true);
    // The poll brought GoTo's own registrants in, once each.
    const fromGoTo = stored.filter((r) => r.email.startsWith("goto-0-"));
    expect(fromGoTo).toHaveLength(GOTO_FORM_REGISTRANTS);
    // The attendance pass recorded every attendee with their minutes.
    const attended = await rows<{ email: string; attended: number; minutes_attended: number }>(
      `SELECT p.email, r.attended, r.minutes_attended FROM registrations r JOIN prospects p ON p.id = r.prospect_id
       WHERE r.webinar_id = ? ORDER BY p.email`,
      finished.id,
    );
    expect(attended.map((a) => [a.attended, a.minutes_attended])).toEqual([
      [1, 10],
      [1, 20],
      [1, 30],
    ]);
    const status = await sync.status();
    expect(status.outbox).toMatchObject({ waiting: 0, errors: [], retrying: [] });
    expect(status.lastError).toBeNull();
  }, 300_000);
});

describe("a registration whose answer was lost", () => {
  it("is retried until GoTo's own record of it can be read: approved with GoTo's key and join URL, once", async () => {
    await controlJson("PUT", "/faults", { ...NO_FAULTS, webhookDelivery: "record" });
    const fx = await syncFixture([{ subject: "Lost answers", times: [session(8 * DAY)] }]);
    const [webinar] = fx.webinars;
    if (!webinar) throw new Error("no webinar");
    const sync = env.WEBINAR_SYNC.getByName(webinar.id);
    await pollDone(webinar.id, "");
    const [request] = await pendingRegistrations(webinar.id, 1, "lost");
    if (!request) throw new Error("no request");
    const registration = async () =>
      (
        await rows<{ status: string; registrant_key: string | null; join_url: string | null }>(
          "SELECT status, registrant_key, join_url FROM registrations WHERE id = ?",
          request.registrationId,
        )
      )[0];

    // The create works in GoTo, its answer is a 500.
    await controlJson("PUT", "/faults", { ambiguousRate: 1, ambiguousKinds: ["error500"], paths: "/registrants$" });
    await sync.register(request);
    await until(
      () => sync.status(),
      (s) => s.outbox.retrying.length === 1,
      async () => undefined,
    );
    // (No Sync now here: a poll would bring the registrant in by itself.) The retry meets 409 with the key, but reading that registrant fails every time.
    await controlJson("PUT", "/faults", {
      ambiguousRate: 0,
      badAnswerRate: 1,
      badAnswerKinds: ["truncated"],
      paths: "/registrants/\\d+$",
    });
    await until(
      () => sync.status(),
      (s) => s.outbox.waiting === 0 || (s.outbox.retrying[0]?.lastError ?? "").includes("look up a registrant"),
      async () => undefined,
    );
    expect((await sync.status()).outbox).toMatchObject({ waiting: 1, done: 0 });
    expect((await registration())?.status).toBe("pending");

    // GoTo answers again: the row ends with GoTo's status and join URL.
    await controlJson("PUT", "/faults", { badAnswerRate: 0, paths: null });
    await until(
      () => sync.status(),
      (s) => s.outbox.waiting === 0,
      async () => undefined,
    );
    const state = await controlJson<{ registrants: { email: string; registrantKey: string }[] }>(
      "GET",
      `/state?webinarKey=${webinar.webinarKey}`,
    );
    const inGoTo = state.registrants.filter((r) => r.email === request.registrant.email);
    expect(inGoTo).toHaveLength(1);
    const stored = await registration();
    expect(stored).toMatchObject({ status: "approved", registrant_key: inGoTo[0]?.registrantKey });
    expect(stored?.join_url).toContain(inGoTo[0]?.registrantKey ?? "-");
  }, 120_000);
});

import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGoToClient } from "../../src/gotowebinar/client";
import { GOTO_WEBHOOK_EVENTS } from "../../src/gotowebinar/constants";
import {
  explainGoToError,
  GoToBadAnswerError,
  GoToDuplicateRegistrantError,
  type GoToError,
  GoToInvalidClientError,
  GoToInvalidGrantError,
  GoToInvalidTokenError,
  GoToNetworkError,
  GoToNotFoundError,
  GoToRateLimitedError,
  GoToServerError,
  GoToTimeoutError,
  GoToValidationError,
} from "../../src/gotowebinar/errors";
import { createGoToOAuth } from "../../src/gotowebinar/oauth";
import type { GoToSimulator } from "../../src/simulator/simulator";
import { simulatorFetch } from "../../src/simulator/stub-fetch";
import {
  type Connected,
  connectOrganizer,
  consent,
  control,
  DAY,
  faults,
  HOUR,
  iso,
  makeWebinar,
  NO_FAULTS,
  ORIGIN,
  oauthFor,
  REDIRECT_URI,
} from "./gotowebinar-helpers";

/**
 * Every client function and every typed error, against the real simulator: requests go through
 * simulatorFetch to the GoToSimulator Durable Object with GoTo's real URLs, tokens come from the
 * simulator's OAuth through our oauth.ts, and GoTo-side data is made with the control API.
 */

const KEY = /^\d{10,19}$/;
const window = () => ({ fromTime: iso(Date.now() - 365 * DAY), toTime: iso(Date.now() + 365 * DAY) });

async function expectError<E extends GoToError>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "the call should have failed").toBeInstanceOf(type);
  return error as E;
}

let org: Connected;

beforeAll(async () => {
  await faults(NO_FAULTS);
  org = await connectOrganizer("client");
});

beforeEach(async () => {
  await faults(NO_FAULTS);
});

describe("oauth.ts against the simulator's OAuth server", () => {
  it("exchanges a code (with PKCE) for tokens that name the organizer", () => {
    expect(org.tokens.accessToken).not.toBe("");
    expect(org.tokens.refreshToken).not.toBeNull();
    expect(org.tokens.tokenType.toLowerCase()).toBe("bearer");
    expect(org.tokens.expiresIn).toBe(3600);
    expect(org.tokens.organizerKey).toBe(org.organizerKey);
    expect(org.tokens.principal).toBe(org.email);
    expect(org.tokens.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });

  it("builds the authorization URL with state and an S256 challenge", () => {
    const { url, state, codeVerifier } = oauthFor().createAuthorizationRequest();
    expect(url.searchParams.get("client_id")).toBe(env.GOTO_CLIENT_ID);
    expect(url.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("state")).toBe(state);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).not.toBe(codeVerifier);
    expect(url.searchParams.get("scope")).toBe("collab:");
  });

  it("refuses a reused code with GoToInvalidGrantError", async () => {
    const oauth = oauthFor();
    const { code, codeVerifier } = await consent(oauth, org.email);
    await oauth.exchangeCode({ code, codeVerifier });
    const error = await expectError(oauth.exchangeCode({ code, codeVerifier }), GoToInvalidGrantError);
    expect(error.error).toBe("invalid_grant");
    expect(error.retryable).toBe(false);
  });

  it("refuses a wrong PKCE verifier with GoToInvalidGrantError", async () => {
    const oauth = oauthFor();
    const { code } = await consent(oauth, org.email);
    await expectError(
      oauth.exchangeCode({ code, codeVerifier: "not-the-verifier-not-the-verifier-not-the-verifier" }),
      GoToInvalidGrantError,
    );
  });

  it("refuses a wrong client secret with GoToInvalidClientError", async () => {
    const good = oauthFor();
    const { code, codeVerifier } = await consent(good, org.email);
    const bad = createGoToOAuth({
      fetch: simulatorFetch(env),
      clientId: env.GOTO_CLIENT_ID ?? "",
      clientSecret: "wrong-secret",
      redirectUri: REDIRECT_URI,
    });
    await expectError(bad.exchangeCode({ code, codeVerifier }), GoToInvalidClientError);
  });

  it("refreshes: a new access token that works, the refresh token kept unless rotated", async () => {
    const connected = await connectOrganizer("refresh");
    const refreshed = await connected.oauth.refresh(connected.tokens.refreshToken ?? "");
    expect(refreshed.accessToken).not.toBe(connected.tokens.accessToken);
    const client = createGoToClient({ fetch: simulatorFetch(env), accessToken: refreshed.accessToken });
    expect((await client.getMe()).organizerKey).toBe(connected.organizerKey);
  });

  it("reports rotation: no refresh token when GoTo keeps the old one, a new one (and the old refused) when it rotates", async () => {
    const connected = await connectOrganizer("rotation");
    const original = connected.tokens.refreshToken ?? "";
    await faults({ refreshTokenRotation: "never" });
    expect((await connected.oauth.refresh(original)).refreshToken).toBeNull();
    await faults({ refreshTokenRotation: "always" });
    const rotated = await connected.oauth.refresh(original);
    expect(rotated.refreshToken).not.toBeNull();
    expect(rotated.refreshToken).not.toBe(original);
    await expectError(connected.oauth.refresh(original), GoToInvalidGrantError);
    expect((await connected.oauth.refresh(rotated.refreshToken ?? "")).accessToken).not.toBe("");
    await faults({ refreshTokenRotation: "sometimes" });
  });

  it("refuses an unknown refresh token with GoToInvalidGrantError", async () => {
    await expectError(oauthFor().refresh("not-a-refresh-token"), GoToInvalidGrantError);
  });
});

describe("identity", () => {
  it("getMe names the organizer and account, keys as exact strings", async () => {
    const me = await org.client.getMe();
    expect(me).toEqual({
      organizerKey: org.organizerKey,
      accountKey: org.accountKey,
      email: org.email,
      firstName: "Grace",
      lastName: "Hopper",
    });
    expect(me.organizerKey).toMatch(KEY);
  });
});

describe("webinars", () => {
  let connected: Connected;
  const keys: string[] = [];

  beforeAll(async () => {
    connected = await connectOrganizer("webinars");
    for (let i = 0; i < 5; i++) keys.push((await makeWebinar(connected.email, (i + 1) * DAY)).webinarKey);
    keys.push((await makeWebinar(connected.email, -30 * DAY)).webinarKey);
  });

  it("listWebinars returns one page with GoTo's page info", async () => {
    const page = await connected.client.listWebinars({
      organizerKey: connected.organizerKey,
      ...window(),
      page: 1,
      size: 2,
    });
    expect(page.page).toEqual({ number: 1, size: 2, totalElements: 6, totalPages: 3 });
    expect(page.items).toHaveLength(2);
    for (const w of page.items) expect(w.webinarKey).toMatch(KEY);
  });

  it("listAllWebinars walks every page and finds every webinar once, past and future", async () => {
    const all = await connected.client.listAllWebinars({
      organizerKey: connected.organizerKey,
      ...window(),
      pageSize: 4,
    });
    expect(all.map((w) => w.webinarKey).sort()).toEqual([...keys].sort());
    const first = all.find((w) => w.webinarKey === keys[0]);
    expect(first?.times).toHaveLength(1);
    expect(first?.timeZone).toBe("Europe/Berlin");
    expect(first?.organizerKey).toBe(connected.organizerKey);
  });

  it("listAllWebinars returns nothing for an empty window", async () => {
    const far = Date.now() + 5 * 365 * DAY;
    expect(
      await connected.client.listAllWebinars({
        organizerKey: connected.organizerKey,
        fromTime: iso(far),
        toTime: iso(far + DAY),
      }),
    ).toEqual([]);
  });

  it("listAccountWebinars lists the account's webinars", async () => {
    const page = await connected.client.listAccountWebinars({
      accountKey: connected.accountKey,
      ...window(),
      size: 200,
    });
    expect(page.items.map((w) => w.webinarKey).sort()).toEqual([...keys].sort());
  });

  it("getWebinar returns the webinar with its 19-digit key exact (GoTo sends it as a number here)", async () => {
    const key = keys[0] ?? "";
    const w = await connected.client.getWebinar({ organizerKey: connected.organizerKey, webinarKey: key });
    expect(w.webinarKey).toBe(key);
    expect(w.webinarKey).toMatch(/^\d{19}$/);
    expect(w.organizerKey).toBe(connected.organizerKey);
    // WebinarByKey has no approvalType in the reference (the list items do).
    expect(w.approvalType).toBeNull();
    expect(w.numberOfRegistrants).toBe(0);
    expect(w.registrationUrl).not.toBeNull();
  });

  it("getWebinar on a cancelled or unknown webinar throws GoToNotFoundError", async () => {
    const cancelled = await makeWebinar(connected.email, 40 * DAY);
    await control("POST", `/webinars/${cancelled.webinarKey}/cancel`);
    const error = await expectError(
      connected.client.getWebinar({ organizerKey: connected.organizerKey, webinarKey: cancelled.webinarKey }),
      GoToNotFoundError,
    );
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    await expectError(
      connected.client.getWebinar({ organizerKey: connected.organizerKey, webinarKey: "1234567890123456789" }),
      GoToNotFoundError,
    );
  });

  it("refuses a webinar window without times with GoToValidationError (GoTo requires fromTime/toTime)", async () => {
    const error = await expectError(
      connected.client.listWebinars({ organizerKey: connected.organizerKey, fromTime: "", toTime: "" }),
      GoToValidationError,
    );
    expect(error.description).toContain("fromTime");
  });
});

describe("registrants", () => {
  let connected: Connected;
  let webinarKey: string;
  let questionKey: string;
  let choiceKey: string;
  let answerKey: string;

  beforeAll(async () => {
    connected = await connectOrganizer("registrants");
    webinarKey = (
      await makeWebinar(connected.email, 10 * DAY, {
        questions: [
          { question: "Team size?", type: "multipleChoice", required: true, answers: ["1-10", "11-100"] },
          { question: "Your goal?", type: "shortAnswer", required: false },
        ],
      })
    ).webinarKey;
    const fields = await connected.client.getRegistrationFields({ organizerKey: connected.organizerKey, webinarKey });
    choiceKey = fields.questions.find((q) => q.type === "multipleChoice")?.questionKey ?? "";
    answerKey = fields.questions.find((q) => q.type === "multipleChoice")?.answers[1]?.answerKey ?? "";
    questionKey = fields.questions.find((q) => q.type === "shortAnswer")?.questionKey ?? "";
  });

  const args = () => ({ organizerKey: connected.organizerKey, webinarKey });

  it("getRegistrationFields lists fields and questions with keys as strings", async () => {
    const fields = await connected.client.getRegistrationFields(args());
    expect(fields.fields.map((f) => f.field)).toEqual(expect.arrayContaining(["firstName", "lastName", "email"]));
    expect(fields.questions).toHaveLength(2);
    expect(fields.questions[0]).toMatchObject({ question: "Team size?", required: true, type: "multipleChoice" });
    expect(fields.questions[0]?.answers.map((a) => a.answer)).toEqual(["1-10", "11-100"]);
    expect(choiceKey).toMatch(/^\d+$/);
    expect(answerKey).toMatch(/^\d+$/);
    expect(questionKey).toMatch(/^\d+$/);
  });

  it("createRegistrant sends every optional field and the answers; getRegistrant reads them back", async () => {
    const created = await connected.client.createRegistrant({
      ...args(),
      registrant: {
        firstName: "Ada",
        lastName: "Lovelace",
        email: "Ada.Lovelace@example.com",
        source: "spring-campaign",
        address: "12 St James's Square",
        city: "London",
        state: "LDN",
        zipCode: "SW1Y 4JH",
        country: "United Kingdom",
        phone: "+44 20 7946 0000",
        organization: "Analytical Engines",
        jobTitle: "Mathematician",
        questionsAndComments: "Looking forward to it",
        industry: "Computing",
        numberOfEmployees: "11-100",
        purchasingTimeFrame: "3 months",
        purchasingRole: "Decision maker",
        responses: [
          { questionKey: choiceKey, answerKey },
          { questionKey, responseText: "Learn the engine" },
        ],
      },
    });
    expect(created.registrantKey).toMatch(/^\d{19}$/);
    expect(created.joinUrl).toContain(created.registrantKey);
    expect(created.status).toBe("APPROVED");

    const detail = await connected.client.getRegistrant({ ...args(), registrantKey: created.registrantKey });
    expect(detail).toMatchObject({
      registrantKey: created.registrantKey,
      email: "Ada.Lovelace@example.com",
      firstName: "Ada",
      status: "APPROVED",
      source: "spring-campaign",
      city: "London",
      organization: "Analytical Engines",
      jobTitle: "Mathematician",
      purchasingRole: "Decision maker",
      phone: "+44 20 7946 0000",
    });
    expect(detail.responses).toEqual(
      expect.arrayContaining([
        { question: "Team size?", answer: "11-100" },
        { question: "Your goal?", answer: "Learn the engine" },
      ]),
    );
  });

  it("a second registration of the same e-mail (other case) throws GoToDuplicateRegistrantError with the existing key", async () => {
    const first = await connected.client.createRegistrant({
      ...args(),
      registrant: {
        firstName: "Alan",
        lastName: "Turing",
        email: "alan@example.com",
        responses: [{ questionKey: choiceKey, answerKey }],
      },
    });
    const error = await expectError(
      connected.client.createRegistrant({
        ...args(),
        registrant: {
          firstName: "Alan",
          lastName: "Turing",
          email: "ALAN@Example.com",
          responses: [{ questionKey: choiceKey, answerKey }],
        },
      }),
      GoToDuplicateRegistrantError,
    );
    expect(error.status).toBe(409);
    expect(error.registrantKey).toBe(first.registrantKey);
    expect(error.retryable).toBe(false);
  });

  it("finds the existing key by e-mail when GoTo's 409 body does not carry it", async () => {
    // GoTo's 409 body for G2W is undocumented: the simulator's real answer with registrantKey
    // taken out, as GoTo may send it.
    const real = simulatorFetch(env);
    const keyless: typeof fetch = async (input, init) => {
      const res = await real(input, init);
      if (res.status !== 409) return res;
      const body = (await res.text())
        .replace(/"registrantKey":\d+,?/, "")
        .replace(/"joinUrl":"[^"]*",?/, "")
        .replace(/,}/, "}");
      expect(body).not.toContain("registrantKey");
      return new Response(body, { status: 409, headers: res.headers });
    };
    const client = createGoToClient({ fetch: keyless, accessToken: connected.tokens.accessToken });
    const registrant = {
      firstName: "Kay",
      lastName: "Less",
      email: "keyless@example.com",
      responses: [{ questionKey: choiceKey, answerKey }],
    };
    const first = await client.createRegistrant({ ...args(), registrant });
    const error = await expectError(
      client.createRegistrant({ ...args(), registrant: { ...registrant, email: "KEYLESS@example.com" } }),
      GoToDuplicateRegistrantError,
    );
    expect(error.registrantKey).toBe(first.registrantKey);
    expect(error.joinUrl).toBe(first.joinUrl);
  });

  it("a missing required question throws GoToValidationError with GoTo's description", async () => {
    const error = await expectError(
      connected.client.createRegistrant({
        ...args(),
        registrant: { firstName: "No", lastName: "Answer", email: "none@example.com" },
      }),
      GoToValidationError,
    );
    expect(error.status).toBe(400);
    expect(error.description).toContain("Team size?");
  });

  it("a MANUAL approval webinar registers as WAITING", async () => {
    const manual = await makeWebinar(connected.email, 12 * DAY, { approvalType: "MANUAL" });
    const created = await connected.client.createRegistrant({
      organizerKey: connected.organizerKey,
      webinarKey: manual.webinarKey,
      registrant: { firstName: "Wait", lastName: "Ing", email: "waiting@example.com" },
    });
    expect(created.status).toBe("WAITING");
  });

  it("listRegistrants accepts both shapes: the plain array without paging, the paged shape with page/limit", async () => {
    const plain = await connected.client.listRegistrants(args());
    expect(plain.paging).toBeNull();
    expect(plain.registrants.map((r) => r.email.toLowerCase()).sort()).toEqual([
      "ada.lovelace@example.com",
      "alan@example.com",
      "keyless@example.com",
    ]);
    for (const r of plain.registrants) expect(r.registrantKey).toMatch(/^\d{19}$/);

    const paged = await connected.client.listRegistrants({ ...args(), page: 0, limit: 1 });
    expect(paged.paging).toMatchObject({ total: 3, page: 0, limit: 1 });
    expect(paged.registrants).toHaveLength(1);
    const all = await connected.client.listAllRegistrants({ ...args(), pageSize: 1 });
    expect(all.map((r) => r.registrantKey).sort()).toEqual(plain.registrants.map((r) => r.registrantKey).sort());
  });

  it("sees registrations made on GoTo's own form", async () => {
    await control("POST", `/webinars/${webinarKey}/registrants`, {
      email: "form@example.com",
      firstName: "Form",
      lastName: "Filler",
    });
    const all = await connected.client.listAllRegistrants(args());
    expect(all.map((r) => r.email)).toContain("form@example.com");
  });

  it("deleteRegistrant removes the registration; getRegistrant then throws GoToNotFoundError", async () => {
    const created = await connected.client.createRegistrant({
      ...args(),
      registrant: {
        firstName: "Gone",
        lastName: "Soon",
        email: "gone@example.com",
        responses: [{ questionKey: choiceKey, answerKey }],
      },
    });
    await connected.client.deleteRegistrant({ ...args(), registrantKey: created.registrantKey });
    await expectError(
      connected.client.getRegistrant({ ...args(), registrantKey: created.registrantKey }),
      GoToNotFoundError,
    );
    const all = await connected.client.listAllRegistrants(args());
    expect(all.map((r) => r.registrantKey)).not.toContain(created.registrantKey);
  });
});

describe("sessions and attendance", () => {
  let connected: Connected;
  let webinarKey: string;
  let start: number;

  beforeAll(async () => {
    connected = await connectOrganizer("attendance");
    start = Date.now() - 3 * DAY;
    webinarKey = (
      await control<{ webinarKey: string }>("POST", "/webinars", {
        organizerEmail: connected.email,
        subject: "Past tour",
        times: [
          { startTime: iso(start), endTime: iso(start + HOUR) },
          { startTime: iso(start + DAY), endTime: iso(start + DAY + HOUR) },
        ],
      })
    ).webinarKey;
    for (const email of ["a1@example.com", "a2@example.com", "a3@example.com"]) {
      await control("POST", `/webinars/${webinarKey}/registrants`, { email, firstName: "At", lastName: "Tendee" });
    }
    await control("POST", `/webinars/${webinarKey}/attendance`, {
      email: "a1@example.com",
      joinTime: iso(start + 60_000),
      leaveTime: iso(start + 31 * 60_000),
    });
    await control("POST", `/webinars/${webinarKey}/attendance`, {
      email: "a2@example.com",
      joinTime: iso(start + 5 * 60_000),
      leaveTime: iso(start + 15 * 60_000),
    });
    await control("POST", `/webinars/${webinarKey}/attendance`, {
      email: "a1@example.com",
      joinTime: iso(start + DAY + 60_000),
      leaveTime: iso(start + DAY + 2 * 60_000),
    });
  });

  const args = () => ({ organizerKey: connected.organizerKey, webinarKey });

  it("listWebinarSessions and listAllWebinarSessions return the past sessions", async () => {
    const page = await connected.client.listWebinarSessions({ ...args(), page: 0, size: 1 });
    expect(page.page).toMatchObject({ totalElements: 2, totalPages: 2, number: 0 });
    const all = await connected.client.listAllWebinarSessions({ ...args(), pageSize: 1 });
    expect(all).toHaveLength(2);
    expect(all.map((s) => s.startTime).sort()).toEqual(
      [new Date(start).toISOString(), new Date(start + DAY).toISOString()].map((t) => t.replace(/\.\d{3}Z$/, ".000Z")),
    );
    for (const s of all) expect(s.sessionKey).toMatch(KEY);
  });

  it("listSessionAttendees returns who attended one session, with intervals and exact keys", async () => {
    const sessions = await connected.client.listAllWebinarSessions(args());
    const first = sessions.find((s) => s.startTime === new Date(start).toISOString().replace(/\.\d{3}Z$/, ".000Z"));
    const attendees = await connected.client.listSessionAttendees({ ...args(), sessionKey: first?.sessionKey ?? "" });
    expect(attendees.map((a) => a.email).sort()).toEqual(["a1@example.com", "a2@example.com"]);
    const a1 = attendees.find((a) => a.email === "a1@example.com");
    expect(a1?.attendanceTimeInSeconds).toBe(30 * 60);
    expect(a1?.sessionKey).toBe(first?.sessionKey);
    expect(a1?.registrantKey).toMatch(/^\d{19}$/);
    expect(a1?.attendance).toHaveLength(1);
  });

  it("listWebinarAttendees pages over every session; listAllWebinarAttendees gathers them", async () => {
    const page = await connected.client.listWebinarAttendees({ ...args(), page: 0, size: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.page?.totalElements).toBe(3);
    const all = await connected.client.listAllWebinarAttendees({ ...args(), pageSize: 2 });
    expect(all.map((a) => a.email).sort()).toEqual(["a1@example.com", "a1@example.com", "a2@example.com"]);
    const registrants = await connected.client.listAllRegistrants(args());
    const a1Key = registrants.find((r) => r.email === "a1@example.com")?.registrantKey;
    expect(all.filter((a) => a.email === "a1@example.com").every((a) => a.registrantKey === a1Key)).toBe(true);
  });
});

describe("webhook set-up", () => {
  const CALLBACK = "https://rollcall.example/webhooks/goto/conn_1";
  let received: { method: string; url: string; body: string }[];
  let callbackStatus: number;

  beforeAll(async () => {
    // The callback side of the webhooks (Rollcall's public endpoint) is not reachable from the
    // simulator's outbound fetch in tests; this receiver records what GoTo sends it and answers.
    await runInDurableObject(env.GOTO_SIMULATOR.getByName("default"), (instance: GoToSimulator) => {
      instance.deliveryFetch = async (input, init) => {
        const request = new Request(input, init);
        received.push({ method: request.method, url: request.url, body: await request.text() });
        return new Response("ok", { status: callbackStatus });
      };
    });
    await faults({ webhookDelivery: "record" });
  });

  beforeEach(() => {
    received = [];
    callbackStatus = 200;
  });

  it("creates the secret, the five webhooks, activates them and subscribes the organizer; then removes both", async () => {
    const connected = await connectOrganizer("webhooks");
    const { client } = connected;

    const secret = await client.createWebhookSecretKey();
    expect(secret.value).not.toBe("");
    expect(secret.id).toMatch(/^\d+$/);
    expect(secret.validFrom).not.toBeNull();

    const created = await client.createWebhooks(
      GOTO_WEBHOOK_EVENTS.map((eventName) => ({ callbackUrl: CALLBACK, eventName })),
    );
    expect(created.map((w) => w.eventName).sort()).toEqual([...GOTO_WEBHOOK_EVENTS].sort());
    expect(created.every((w) => w.state === "INACTIVE" && w.callbackUrl === CALLBACK && w.product === "g2w")).toBe(
      true,
    );
    // GoTo checks the callback answers a GET with 200 before it accepts the webhook.
    expect(received.some((r) => r.method === "GET" && r.url === CALLBACK)).toBe(true);
    const keys = created.map((w) => w.webhookKey);

    await client.updateWebhooks(keys.map((webhookKey) => ({ webhookKey, state: "ACTIVE" })));
    const listed = await client.listWebhooks();
    expect(listed.filter((w) => keys.includes(w.webhookKey)).map((w) => w.state)).toEqual(
      GOTO_WEBHOOK_EVENTS.map(() => "ACTIVE"),
    );

    const subscriptions = await client.createUserSubscriptions(keys.map((webhookKey) => ({ webhookKey })));
    expect(subscriptions).toHaveLength(GOTO_WEBHOOK_EVENTS.length);
    expect(subscriptions.every((s) => s.userSubscriptionState === "ACTIVE" && s.activationState === "ACTIVE")).toBe(
      true,
    );
    const subscriptionKeys = subscriptions.map((s) => s.userSubscriptionKey);

    const first = subscriptions[0];
    if (!first) throw new Error("no subscription");
    await client.updateUserSubscriptions([
      {
        userSubscriptionKey: first.userSubscriptionKey,
        webhookKey: first.webhookKey,
        userSubscriptionState: "INACTIVE",
      },
    ]);
    const afterUpdate = await client.listUserSubscriptions();
    expect(afterUpdate.find((s) => s.userSubscriptionKey === first.userSubscriptionKey)).toMatchObject({
      userSubscriptionState: "INACTIVE",
      activationState: "INACTIVE",
    });

    await client.deleteUserSubscriptions(subscriptionKeys);
    expect(
      (await client.listUserSubscriptions()).filter((s) => subscriptionKeys.includes(s.userSubscriptionKey)),
    ).toEqual([]);
    await client.deleteWebhooks(keys);
    expect((await client.listWebhooks()).filter((w) => keys.includes(w.webhookKey))).toEqual([]);
  });

  it("a callback that does not answer 200 is refused with GoToValidationError", async () => {
    callbackStatus = 404;
    const error = await expectError(
      org.client.createWebhooks([{ callbackUrl: CALLBACK, eventName: "registrant.added" }]),
      GoToValidationError,
    );
    expect(error.description).toContain("200");
  });
});

describe("typed errors from the simulator's faults", () => {
  it("an unknown token is GoToInvalidTokenError (403 InvalidToken)", async () => {
    const client = createGoToClient({ fetch: simulatorFetch(env), accessToken: "not-a-token" });
    const error = await expectError(client.getMe(), GoToInvalidTokenError);
    expect(error.status).toBe(403);
    expect(error.errorCode).toBe("InvalidToken");
    expect(error.mayHaveTakenEffect).toBe(false);
  });

  it("over the rate limit is GoToRateLimitedError, retryable and refused before any effect", async () => {
    await faults({ rateLimitPerSecond: 2 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => org.client.getMe()));
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toBeInstanceOf(GoToRateLimitedError);
      expect(error).toMatchObject({ status: 429, retryable: true, mayHaveTakenEffect: false });
    }
  });

  it("injected 5xx answers are GoToServerError, retryable", async () => {
    await faults({ errorRate: 1 });
    const error = await expectError(org.client.getMe(), GoToServerError);
    expect([500, 503]).toContain(error.status);
    expect(error).toMatchObject({ retryable: true, mayHaveTakenEffect: true });
  });

  it("an answer slower than the timeout is GoToTimeoutError", async () => {
    await faults({ latencyMs: 1500 });
    const client = createGoToClient({
      fetch: simulatorFetch(env),
      accessToken: org.tokens.accessToken,
      timeoutMs: 100,
    });
    const error = await expectError(client.getMe(), GoToTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 100, retryable: true, status: null });
  });

  it("a request that cannot be sent is GoToNetworkError (the stub refuses a host that is not GoTo's)", async () => {
    const client = createGoToClient({
      fetch: simulatorFetch(env),
      accessToken: org.tokens.accessToken,
      baseUrl: "https://elsewhere.example",
    });
    const error = await expectError(client.getMe(), GoToNetworkError);
    expect(error.retryable).toBe(true);
  });

  it("an answer that does not match the reference is GoToBadAnswerError (wrong_fields), retryable", async () => {
    // The simulator's real answer with one field renamed, as if GoTo changed its API under us.
    const real = simulatorFetch(env);
    const drifting: typeof fetch = async (input, init) => {
      const res = await real(input, init);
      const text = (await res.text()).replace('"key":', '"userId":');
      return new Response(text, { status: res.status, headers: res.headers });
    };
    const client = createGoToClient({ fetch: drifting, accessToken: org.tokens.accessToken });
    const error = await expectError(client.getMe(), GoToBadAnswerError);
    expect(error.issues.join(" ")).toContain("key");
    expect(error).toMatchObject({ reason: "wrong_fields", retryable: true, mayHaveTakenEffect: true, call: "get me" });
  });

  it("each bad answer the simulator gives is its typed error, explained in one sentence", async () => {
    const webinar = await makeWebinar(org.email, 3 * DAY);
    const args = { organizerKey: org.organizerKey, webinarKey: webinar.webinarKey };
    const cases = [
      {
        kind: "htmlErrorPage",
        type: GoToServerError,
        sentence: "GoTo answered with an HTML error page (502) when asked to list registrants.",
      },
      {
        kind: "htmlOk",
        type: GoToBadAnswerError,
        reason: "html",
        sentence: "GoTo answered with a web page instead of data (200) when asked to list registrants.",
      },
      {
        kind: "truncated",
        type: GoToBadAnswerError,
        reason: "truncated",
        sentence: "GoTo's answer was cut off when asked to list registrants.",
      },
      {
        kind: "empty",
        type: GoToBadAnswerError,
        reason: "empty",
        sentence: "GoTo's answer was empty when asked to list registrants.",
      },
      {
        kind: "wrongFields",
        type: GoToBadAnswerError,
        reason: "wrong_fields",
        sentence: "GoTo's answer had fields missing or of the wrong type when asked to list registrants.",
      },
    ] as const;
    await control("POST", `/webinars/${webinar.webinarKey}/registrants`, {
      email: "b@example.com",
      firstName: "B",
      lastName: "C",
    });
    for (const c of cases) {
      await faults({ badAnswerRate: 1, badAnswerKinds: [c.kind] });
      const type: abstract new (...args: never[]) => GoToError = c.type;
      const error = await expectError(org.client.listRegistrants({ ...args, page: 0, limit: 50 }), type);
      expect(error, c.kind).toMatchObject({ retryable: true, mayHaveTakenEffect: true });
      if ("reason" in c) expect(error, c.kind).toMatchObject({ reason: c.reason });
      else expect(error).toMatchObject({ status: 502, htmlPage: true });
      expect(explainGoToError(error)).toBe(c.sentence);
    }
  });

  it("a call that took effect and then answered 500 or never finished is GoToServerError or GoToTimeoutError", async () => {
    const webinar = await makeWebinar(org.email, 3 * DAY);
    const args = { organizerKey: org.organizerKey, webinarKey: webinar.webinarKey };
    const quick = createGoToClient({ fetch: simulatorFetch(env), accessToken: org.tokens.accessToken, timeoutMs: 300 });
    const create = (email: string) =>
      quick.createRegistrant({ ...args, registrant: { email, firstName: "Am", lastName: "Big" } });

    await faults({ ambiguousRate: 1, ambiguousKinds: ["error500"] });
    const failed = await expectError(create("first@example.com"), GoToServerError);
    expect(failed).toMatchObject({ status: 500, mayHaveTakenEffect: true, htmlPage: false });
    await faults({ ambiguousKinds: ["hang"] });
    const hung = await expectError(create("second@example.com"), GoToTimeoutError);
    expect(hung).toMatchObject({ timeoutMs: 300, mayHaveTakenEffect: true, call: "create registrant" });
    expect(explainGoToError(hung)).toBe("GoTo did not finish answering within 0.3 s when asked to register someone.");

    // Both registrations happened: a retry meets GoTo's 409 with the existing key.
    await faults({ ambiguousRate: 0 });
    const listed = await org.client.listAllRegistrants(args);
    expect(listed.map((r) => r.email).sort()).toEqual(["first@example.com", "second@example.com"]);
    const again = await expectError(create("second@example.com"), GoToDuplicateRegistrantError);
    expect(again.registrantKey).toBe(listed.find((r) => r.email === "second@example.com")?.registrantKey);
  });

  it("the deadline covers the whole body: a trickling body past it is GoToTimeoutError, within it fine", async () => {
    await faults({ slowBodyMs: 3000 });
    const quick = createGoToClient({ fetch: simulatorFetch(env), accessToken: org.tokens.accessToken, timeoutMs: 400 });
    await expectError(quick.getMe(), GoToTimeoutError);
    await faults({ slowBodyMs: 100 });
    expect((await org.client.getMe()).organizerKey).toBe(org.organizerKey);
  });

  it("paths aims the faults: only matching calls fail", async () => {
    const webinar = await makeWebinar(org.email, 3 * DAY);
    await faults({ badAnswerRate: 1, badAnswerKinds: ["truncated"], paths: "/registrants" });
    expect((await org.client.getMe()).organizerKey).toBe(org.organizerKey);
    const args = { organizerKey: org.organizerKey, webinarKey: webinar.webinarKey };
    expect((await org.client.getWebinar(args)).webinarKey).toBe(webinar.webinarKey);
    await expectError(org.client.listRegistrants(args), GoToBadAnswerError);
  });

  it("an answer larger than 5 MB is refused as GoToBadAnswerError (too_large), whether declared or streamed", async () => {
    const big = "x".repeat(5 * 1024 * 1024 + 1);
    const declared: typeof fetch = async () =>
      new Response(big, { headers: { "content-type": "application/json", "content-length": String(big.length) } });
    const streamed: typeof fetch = async () => {
      const chunk = new TextEncoder().encode(`[${"1,".repeat(512 * 1024)}`);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent++;
          if (sent > 20) controller.close();
          else controller.enqueue(chunk);
        },
      });
      return new Response(body, { headers: { "content-type": "application/json" } });
    };
    for (const fetch of [declared, streamed]) {
      const client = createGoToClient({ fetch, accessToken: "t" });
      const error = await expectError(client.getMe(), GoToBadAnswerError);
      expect(error.reason).toBe("too_large");
      expect(explainGoToError(error)).toBe("GoTo's answer was larger than 5 MB when asked to confirm the organizer.");
    }
  });

  it("the client also runs over HTTP at the simulator's /sim URLs (baseUrl)", async () => {
    const overHttp: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));
    const client = createGoToClient({ fetch: overHttp, accessToken: org.tokens.accessToken, baseUrl: `${ORIGIN}/sim` });
    expect((await client.getMe()).organizerKey).toBe(org.organizerKey);
  });
  // Last: expiring tokens expires every token of the simulator, including the shared one.
  it("expired tokens are GoToInvalidTokenError; a refresh through a token source recovers", async () => {
    const connected = await connectOrganizer("expiry");
    let token = connected.tokens.accessToken;
    const client = createGoToClient({ fetch: simulatorFetch(env), accessToken: () => token });
    await client.getMe();
    await faults({ expireTokensNow: true });
    await expectError(client.getMe(), GoToInvalidTokenError);
    token = (await connected.oauth.refresh(connected.tokens.refreshToken ?? "")).accessToken;
    expect((await client.getMe()).organizerKey).toBe(connected.organizerKey);
  });
});

import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { parseGoToJson } from "../../src/gotowebinar/json";
import {
  AttendeeSchema,
  CreatedRegistrantSchema,
  MeSchema,
  OAuthErrorBodySchema,
  RegistrantDetailSchema,
  RegistrantListSchema,
  RegistrationFieldsSchema,
  SecretKeySchema,
  SessionAttendeeListSchema,
  SessionListSchema,
  TokenResponseSchema,
  UserSubscriptionListSchema,
  WebhookListSchema,
  WebinarAttendeeListSchema,
  WebinarListSchema,
  WebinarSchema,
} from "../../src/gotowebinar/schemas";

/** Parses raw JSON text the way the client does: lossless parse, then the schema. */
function parse<T>(schema: v.GenericSchema<unknown, T>, text: string): T {
  return v.parse(schema, parseGoToJson(text));
}
function fails(schema: v.GenericSchema, text: string): boolean {
  return !v.safeParse(schema, parseGoToJson(text)).success;
}

const REGISTRANT_A = `{"firstName":"Ada","lastName":"Lovelace","email":"ada@example.com","registrantKey":6123456789012345678,
  "registrationDate":"2024-05-10T14:32:34.837Z","status":"APPROVED","joinUrl":"https://global.gotowebinar.com/join/8123456789012345678/6123456789012345678","timeZone":"Europe/London"}`;
const REGISTRANT_B = `{"firstName":"Alan","lastName":"Turing","email":"alan@example.com","registrantKey":6123456789012345679,
  "registrationDate":"2024-05-11T09:00:00Z","status":"WAITING","joinUrl":"https://global.gotowebinar.com/join/x/y","timeZone":"Europe/London"}`;

describe("registrant lists (R1), both shapes", () => {
  it("accepts the plain array of the 2021 spec as the whole list, keys exact", () => {
    const page = parse(RegistrantListSchema, `[${REGISTRANT_A},${REGISTRANT_B}]`);
    expect(page.paging).toBeNull();
    expect(page.registrants.map((r) => r.registrantKey)).toEqual(["6123456789012345678", "6123456789012345679"]);
    expect(page.registrants[0]).toEqual({
      registrantKey: "6123456789012345678",
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      status: "APPROVED",
      registrationDate: "2024-05-10T14:32:34.837Z",
      joinUrl: "https://global.gotowebinar.com/join/8123456789012345678/6123456789012345678",
      timeZone: "Europe/London",
    });
  });

  it("accepts the paged {data,total,page,limit,pageSize} shape", () => {
    const page = parse(
      RegistrantListSchema,
      `{"data":[${REGISTRANT_B}],"total":201,"page":1,"limit":200,"pageSize":1}`,
    );
    expect(page.paging).toEqual({ total: 201, page: 1, limit: 200, pageSize: 1 });
    expect(page.registrants.map((r) => r.status)).toEqual(["WAITING"]);
    expect(page.registrants[0]?.registrationDate).toBe("2024-05-11T09:00:00.000Z");
  });

  it("accepts an empty list in either shape", () => {
    expect(parse(RegistrantListSchema, "[]")).toEqual({ registrants: [], paging: null });
    expect(parse(RegistrantListSchema, '{"data":[],"total":0,"page":0,"limit":200,"pageSize":0}').registrants).toEqual(
      [],
    );
  });

  it("refuses a registrant with an unknown status or a rounded key it cannot trust", () => {
    expect(fails(RegistrantListSchema, `[${REGISTRANT_A.replace("APPROVED", "ACCEPTED")}]`)).toBe(true);
    expect(
      fails(
        RegistrantListSchema,
        '[{"registrantKey":1.5,"firstName":"a","lastName":"b","email":"c","status":"APPROVED"}]',
      ),
    ).toBe(true);
  });
});

describe("paged _embedded envelopes", () => {
  const webinarItem = `{"webinarKey":"8123456789012345678","webinarID":"123456789","organizerKey":"7001234567890123456",
    "accountKey":"4001234567890123456","subject":"Product tour","description":"A tour",
    "times":[{"startTime":"2026-12-01T16:00:00Z","endTime":"2026-12-01T17:00:00Z"}],"timeZone":"America/New_York",
    "locale":"en_US","approvalType":"AUTOMATIC","registrationUrl":"https://attendee.gotowebinar.com/register/123",
    "impromptu":false,"isPasswordProtected":false,"recurrenceType":"single_session","experienceType":"classic"}`;

  it("reads webinars, links and page info (W1)", () => {
    const page = parse(
      WebinarListSchema,
      `{"_embedded":{"webinars":[${webinarItem}]},"_links":{"self":{"href":"x"}},"page":{"size":20,"totalElements":45,"totalPages":3,"number":0}}`,
    );
    expect(page.page).toEqual({ size: 20, totalElements: 45, totalPages: 3, number: 0 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      webinarKey: "8123456789012345678",
      webinarId: "123456789",
      organizerKey: "7001234567890123456",
      accountKey: "4001234567890123456",
      times: [{ startTime: "2026-12-01T16:00:00.000Z", endTime: "2026-12-01T17:00:00.000Z" }],
      approvalType: "AUTOMATIC",
      recurrenceType: "single_session",
      experienceType: "CLASSIC",
      status: null,
      inSession: null,
    });
  });

  it("treats an absent _embedded as an empty page", () => {
    const page = parse(WebinarListSchema, '{"page":{"size":20,"totalElements":0,"totalPages":0,"number":0}}');
    expect(page).toEqual({ items: [], page: { size: 20, totalElements: 0, totalPages: 0, number: 0 } });
    expect(
      parse(SessionListSchema, '{"_embedded":{},"page":{"size":20,"totalElements":0,"totalPages":0,"number":0}}').items,
    ).toEqual([]);
  });

  it("names the failing item when one does not match", () => {
    const result = v.safeParse(WebinarListSchema, parseGoToJson('{"_embedded":{"webinars":[{"webinarKey":"1"}]}}'));
    expect(result.success).toBe(false);
    expect(result.issues?.[0]?.message).toContain("_embedded.webinars");
  });

  it("reads sessions (S1) and webinar attendees (A1) with number keys made exact", () => {
    const sessions = parse(
      SessionListSchema,
      `{"_embedded":{"sessionInfoResources":[{"sessionKey":"5123456789012345678","webinarKey":"8123456789012345678",
        "webinarName":"Product tour","startTime":"2024-05-10T16:00:00Z","endTime":"2024-05-10T17:02:11Z",
        "registrantsAttended":41,"registrantCount":120,"timeZone":"America/New_York"}]},
        "page":{"size":20,"totalElements":1,"totalPages":1,"number":0}}`,
    );
    expect(sessions.items[0]).toMatchObject({ sessionKey: "5123456789012345678", registrantsAttended: 41 });

    const attendees = parse(
      WebinarAttendeeListSchema,
      `{"_embedded":{"attendeeParticipationResponses":[{"registrantKey":6123456789012345678,"sessionKey":5123456789012345678,
        "firstName":"Ada","lastName":"Lovelace","email":"ada@example.com","attendanceTimeInSeconds":3600,
        "attendance":[{"joinTime":"2024-05-10T16:00:00Z","leaveTime":"2024-05-10T17:00:00Z"}]}]},
        "page":{"size":20,"totalElements":1,"totalPages":1,"number":0}}`,
    );
    expect(attendees.items[0]).toEqual({
      registrantKey: "6123456789012345678",
      sessionKey: "5123456789012345678",
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      attendanceTimeInSeconds: 3600,
      attendance: [{ joinTime: "2024-05-10T16:00:00.000Z", leaveTime: "2024-05-10T17:00:00.000Z" }],
    });
  });
});

describe("single objects", () => {
  it("reads get-webinar (W3) with number keys and `type` as recurrence", () => {
    const w = parse(
      WebinarSchema,
      `{"webinarKey":8123456789012345678,"webinarID":"123456789","subject":"Tour","description":null,
        "organizerKey":7001234567890123456,"organizerEmail":"o@example.com","organizerName":"O",
        "times":[{"startTime":"2026-12-01T16:00:00.000Z","endTime":"2026-12-01T17:00:00.000Z"}],
        "registrationUrl":"https://attendee.gotowebinar.com/register/1","inSession":false,"impromptu":false,
        "type":"sequence","timeZone":"Europe/Berlin","numberOfRegistrants":3,"registrationLimit":1000,
        "locale":"de_DE","accountKey":"4001234567890123456","approvalType":"manual"}`,
    );
    expect(w).toMatchObject({
      webinarKey: "8123456789012345678",
      organizerKey: "7001234567890123456",
      description: null,
      recurrenceType: "sequence",
      approvalType: "MANUAL",
      numberOfRegistrants: 3,
    });
  });

  it("reads a detailed registrant (R3) with responses", () => {
    const r = parse(
      RegistrantDetailSchema,
      `{${REGISTRANT_A.slice(1, -1)},"source":"spring-campaign","organization":"Analytical Engines","type":"REGULAR",
        "unsubscribed":false,"phone":"","responses":[{"question":"Team size?","answer":"1-10"}]}`,
    );
    expect(r).toMatchObject({
      registrantKey: "6123456789012345678",
      source: "spring-campaign",
      organization: "Analytical Engines",
      phone: null,
      type: "REGULAR",
      unsubscribed: false,
      responses: [{ question: "Team size?", answer: "1-10" }],
    });
  });

  it("reads the create-registrant answer (R2) with its key exact", () => {
    expect(
      parse(
        CreatedRegistrantSchema,
        '{ "registrantKey": 6123456789012345678, "joinUrl": "https://global.gotowebinar.com/join/8123456789012345678/6123456789012345678", "status": "APPROVED", "asset": true }',
      ),
    ).toEqual({
      registrantKey: "6123456789012345678",
      joinUrl: "https://global.gotowebinar.com/join/8123456789012345678/6123456789012345678",
      status: "APPROVED",
    });
  });

  it("reads registration fields and questions (R5), question and answer keys as strings", () => {
    const f = parse(
      RegistrationFieldsSchema,
      `{"fields":[{"field":"email","required":true,"maxSize":128},{"field":"country","required":false,"maxSize":128,"answers":["Germany","France"]}],
        "questions":[{"questionKey":17000001,"question":"Team size?","required":true,"type":"multipleChoice","maxSize":128,
          "answers":[{"answerKey":17000002,"answer":"1-10"}]},
          {"questionKey":17000003,"question":"Your goal?","required":false,"type":"shortAnswer","maxSize":1000}]}`,
    );
    expect(f.fields[1]).toEqual({ field: "country", required: false, maxSize: 128, answers: ["Germany", "France"] });
    expect(f.questions[0]?.answers).toEqual([{ answerKey: "17000002", answer: "1-10" }]);
    expect(f.questions[1]).toMatchObject({ questionKey: "17000003", type: "shortAnswer", answers: [] });
  });

  it("reads session attendees (S4) as a plain array", () => {
    const list = parse(
      SessionAttendeeListSchema,
      '[{"registrantKey":6123456789012345678,"sessionKey":5123456789012345678,"email":"ada@example.com","attendanceTimeInSeconds":60,"attendance":[{"joinTime":"2024-05-10T16:00:00Z","leaveTime":"2024-05-10T16:01:00Z"}]}]',
    );
    expect(list.map((a) => [a.registrantKey, a.sessionKey, a.firstName])).toEqual([
      ["6123456789012345678", "5123456789012345678", null],
    ]);
    expect(fails(AttendeeSchema, '{"registrantKey":6123456789012345678,"attendance":[]}')).toBe(true);
  });

  it("reads /admin/rest/v1/me with `key` as the organizer key", () => {
    expect(
      parse(
        MeSchema,
        '{"key":7001234567890123456,"accountKey":4001234567890123456,"email":"organizer@example.com","firstName":"Grace","lastName":"Hopper","locale":"en_US"}',
      ),
    ).toEqual({
      organizerKey: "7001234567890123456",
      accountKey: "4001234567890123456",
      email: "organizer@example.com",
      firstName: "Grace",
      lastName: "Hopper",
    });
  });
});

describe("webhooks", () => {
  it("reads the secret key, webhooks and user subscriptions", () => {
    expect(parse(SecretKeySchema, '{"id":63,"value":"1f3a-uuid","validFrom":"2019-07-01T22:00:00Z"}')).toEqual({
      id: "63",
      value: "1f3a-uuid",
      validFrom: "2019-07-01T22:00:00.000Z",
    });
    const hooks = parse(
      WebhookListSchema,
      '{"_embedded":{"webhooks":[{"webhookKey":"b5f1","callbackUrl":"https://app.example/webhooks/goto/c1","eventName":"registrant.added","eventVersion":"1.0.0","product":"g2w","state":"INACTIVE","createTime":"2024-05-10T14:00:00Z"}]}}',
    );
    expect(hooks.items[0]).toMatchObject({ webhookKey: "b5f1", state: "INACTIVE" });
    expect(hooks.page).toBeNull();
    const subs = parse(
      UserSubscriptionListSchema,
      '{"_embedded":{"userSubscriptions":[{"userSubscriptionKey":"u1","webhookKey":"b5f1","callbackUrl":"https://app.example/x","eventName":"registrant.added","eventVersion":"1.0.0","product":"g2w","userSubscriptionState":"ACTIVE","activationState":"ACTIVE","createTime":"2024-05-10T14:00:00Z"}]}}',
    );
    expect(subs.items[0]).toMatchObject({ userSubscriptionKey: "u1", activationState: "ACTIVE" });
  });
});

describe("OAuth", () => {
  it("reads the token answer of the reference, keys exact, camel-cased", () => {
    expect(
      parse(
        TokenResponseSchema,
        `{"access_token":"eyJraWQiOiJzaW0iLCJhbGciOiJSUzUxMiJ9.SIM.SIG","token_type":"Bearer","refresh_token":"eyJraWQiOiJzaW0ifQ.REFRESH.SIG",
          "expires_in":3600,"scope":"collab: identity:scim.me","principal":"organizer@example.com",
          "organizer_key":"7001234567890123456","account_key":"4001234567890123456"}`,
      ),
    ).toEqual({
      accessToken: "eyJraWQiOiJzaW0iLCJhbGciOiJSUzUxMiJ9.SIM.SIG",
      tokenType: "Bearer",
      refreshToken: "eyJraWQiOiJzaW0ifQ.REFRESH.SIG",
      expiresIn: 3600,
      scope: "collab: identity:scim.me",
      principal: "organizer@example.com",
      organizerKey: "7001234567890123456",
      accountKey: "4001234567890123456",
    });
  });

  it("reads a refresh answer without refresh_token, organizer or account key, and a blank account_key", () => {
    const t = parse(
      TokenResponseSchema,
      '{"access_token":"a","token_type":"Bearer","expires_in":3600,"account_key":""}',
    );
    expect([t.refreshToken, t.organizerKey, t.accountKey, t.scope, t.principal]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(
      parse(
        TokenResponseSchema,
        '{"access_token":"a","token_type":"Bearer","expires_in":3600,"organizer_key":7001234567890123456}',
      ).organizerKey,
    ).toBe("7001234567890123456");
  });

  it("refuses a token answer without an access token", () => {
    expect(fails(TokenResponseSchema, '{"token_type":"Bearer","expires_in":3600}')).toBe(true);
  });

  it("reads RFC 6749 error bodies", () => {
    expect(parse(OAuthErrorBodySchema, '{"error":"invalid_client","error_description":"client not found"}')).toEqual({
      error: "invalid_client",
      error_description: "client not found",
    });
    expect(parse(OAuthErrorBodySchema, '{"error":"invalid_grant"}').error_description).toBeNull();
  });
});

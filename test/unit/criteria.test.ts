import { describe, expect, it } from "vitest";
import {
  applyOp,
  type Criteria,
  checkReferences,
  criteriaFromFields,
  describeCriteria,
  draftFromFields,
  evaluateCriteria,
  kindsReading,
  type NameLookup,
  nestFields,
  type ProspectFacts,
  parseCriteria,
  type RegistrationFact,
  storedConditions,
  WEBINAR_STATUSES,
} from "../../src/domain/criteria";

const NOW = "2026-12-01T12:00:00.000Z";
const ENDED = "2026-11-30T10:00:00.000Z";
const READ = "2026-11-30T10:05:00.000Z";
const LATER = "2026-12-20T10:00:00.000Z";

function reg(over: Partial<RegistrationFact>): RegistrationFact {
  return {
    webinarId: "web_tour",
    campaignId: "cmp_goto",
    status: "approved",
    attended: false,
    minutesAttended: 0,
    webinarEndsAt: ENDED,
    attendanceReadAt: READ,
    webinarCancelled: false,
    ...over,
  };
}

function facts(over: Partial<ProspectFacts> = {}): ProspectFacts {
  return {
    id: "pro_1",
    email: "ana@acme.com",
    company: "Acme Corp",
    country: "Portugal",
    score: 40,
    campaignId: "cmp_web",
    tags: new Set(["vip"]),
    listIds: new Set(["lst_customers"]),
    registrations: [],
    now: NOW,
    ...over,
  };
}

function one(condition: Record<string, unknown>): Criteria {
  const parsed = parseCriteria({ match: "all", conditions: [condition] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.criteria;
}

const tour = { scope: "webinar", webinarId: "web_tour" };

describe("webinar status and attendance", () => {
  it.each([
    // [condition, registrations, matches]
    [{ kind: "webinar_status", status: "registered", ...tour }, [reg({})], true],
    [{ kind: "webinar_status", status: "registered", ...tour }, [reg({ status: "waiting" })], true],
    [{ kind: "webinar_status", status: "registered", ...tour }, [reg({ status: "pending" })], false],
    [{ kind: "webinar_status", status: "registered", ...tour }, [reg({ status: "cancelled" })], false],
    [{ kind: "webinar_status", status: "registered", ...tour }, [reg({ status: "cancelled", attended: true })], true],
    [{ kind: "webinar_status", status: "registered", ...tour }, [reg({ webinarId: "web_other" })], false],
    [{ kind: "webinar_status", status: "accepted", ...tour }, [reg({ status: "approved" })], true],
    [{ kind: "webinar_status", status: "accepted", ...tour }, [reg({ status: "registered" })], false],
    [{ kind: "webinar_status", status: "attended", ...tour }, [reg({ attended: true, minutesAttended: 3 })], true],
    [{ kind: "webinar_status", status: "attended", ...tour }, [reg({})], false],
    [{ kind: "webinar_status", status: "absent", ...tour }, [reg({})], true],
    [{ kind: "webinar_status", status: "absent", ...tour }, [reg({ webinarEndsAt: LATER })], false],
    [{ kind: "webinar_status", status: "absent", ...tour }, [reg({ attendanceReadAt: null })], false],
    [
      { kind: "webinar_status", status: "absent", ...tour },
      [reg({ attendanceReadAt: "2026-11-30T09:59:00.000Z" })],
      false,
    ],
    [{ kind: "webinar_status", status: "absent", ...tour }, [reg({ webinarCancelled: true })], false],
    [{ kind: "webinar_status", status: "absent", ...tour }, [reg({ attended: true })], false],
    [{ kind: "webinar_status", status: "absent", ...tour }, [reg({ status: "denied" })], false],
    [{ kind: "webinar_status", status: "cancelled", ...tour }, [reg({ status: "cancelled" })], true],
    [{ kind: "webinar_status", status: "denied", ...tour }, [reg({ status: "denied" })], true],
    [{ kind: "webinar_status", status: "denied", ...tour }, [], false],
    [{ kind: "webinar_status", status: "attended", scope: "any" }, [reg({ webinarId: "web_x", attended: true })], true],
    [{ kind: "webinar_status", status: "attended", scope: "any" }, [reg({ webinarId: "web_x" })], false],
    [
      { kind: "webinar_status", status: "registered", scope: "campaign", campaignId: "cmp_goto" },
      [reg({ webinarId: "web_x" })],
      true,
    ],
    [
      { kind: "webinar_status", status: "registered", scope: "campaign", campaignId: "cmp_other" },
      [reg({ webinarId: "web_x" })],
      false,
    ],
    [
      { kind: "webinar_status", status: "registered", scope: "campaign", campaignId: "cmp_goto" },
      [reg({ campaignId: null })],
      false,
    ],
    [{ kind: "attended_minutes", minutes: 20, ...tour }, [reg({ attended: true, minutesAttended: 20 })], true],
    [{ kind: "attended_minutes", minutes: 20, ...tour }, [reg({ attended: true, minutesAttended: 19 })], false],
    [{ kind: "attended_minutes", minutes: 20, ...tour }, [reg({ attended: false, minutesAttended: 30 })], false],
    [
      { kind: "attended_minutes", minutes: 20, scope: "any" },
      [reg({ attended: true, minutesAttended: 5 }), reg({ webinarId: "web_x", attended: true, minutesAttended: 45 })],
      true,
    ],
  ] as const)("%j with %j: %s", (condition, registrations, expected) => {
    expect(evaluateCriteria(one(condition), facts({ registrations: [...registrations] }))).toBe(expected);
  });
});

describe("prospect fields", () => {
  it.each([
    [{ kind: "email_domain", domain: "acme.com" }, {}, true],
    [{ kind: "email_domain", domain: "@ACME.com" }, {}, true],
    [{ kind: "email_domain", domain: "acme.co" }, {}, false],
    [{ kind: "email_domain", domain: "cme.com" }, {}, false],
    [{ kind: "company", op: "is", value: "acme corp" }, {}, true],
    [{ kind: "company", op: "is", value: "Acme" }, {}, false],
    [{ kind: "company", op: "contains", value: "ACME" }, {}, true],
    [{ kind: "company", op: "contains", value: "Acme" }, { company: null }, false],
    [{ kind: "country", value: "portugal" }, {}, true],
    [{ kind: "country", value: "Spain" }, {}, false],
    [{ kind: "country", value: "Portugal" }, { country: null }, false],
    [{ kind: "score", op: "at_least", value: 40 }, {}, true],
    [{ kind: "score", op: "at_least", value: 41 }, {}, false],
    [{ kind: "score", op: "at_most", value: 40 }, {}, true],
    [{ kind: "score", op: "at_most", value: -1 }, {}, false],
    [{ kind: "score", op: "at_most", value: -1 }, { score: -5 }, true],
    [{ kind: "campaign", campaignId: "cmp_web" }, {}, true],
    [{ kind: "campaign", campaignId: "cmp_goto" }, {}, false],
    [{ kind: "tag", tag: "vip" }, {}, true],
    [{ kind: "tag", tag: "VIP" }, {}, false],
    [{ kind: "list_member", listId: "lst_customers" }, {}, true],
    [{ kind: "list_member", listId: "lst_other" }, {}, false],
  ] as const)("%j on %j: %s", (condition, over, expected) => {
    expect(evaluateCriteria(one(condition), facts(over))).toBe(expected);
  });
});

describe("all / any and groups", () => {
  const vip = { kind: "tag", tag: "vip" };
  const spain = { kind: "country", value: "Spain" };
  const high = { kind: "score", op: "at_least", value: 100 };
  it.each([
    ["all", [vip], true],
    ["all", [vip, spain], false],
    ["any", [vip, spain], true],
    ["any", [spain, high], false],
    ["all", [vip, { match: "any", conditions: [spain, high] }], false],
    ["all", [vip, { match: "any", conditions: [spain, vip] }], true],
    ["any", [spain, { match: "all", conditions: [vip, high] }], false],
    ["any", [spain, { match: "all", conditions: [vip, { kind: "country", value: "Portugal" }] }], true],
  ] as const)("%s of %j: %s", (match, conditions, expected) => {
    const parsed = parseCriteria({ match, conditions });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(evaluateCriteria(parsed.criteria, facts())).toBe(expected);
  });
});

describe("parseCriteria refuses with what to fix", () => {
  it.each([
    [null, "conditions", /at least one condition/],
    [{ match: "all", conditions: [] }, "conditions", /at least one condition/],
    [{ match: "some", conditions: [{ kind: "tag", tag: "x" }] }, "match", /all or any/],
    [{ match: "all", conditions: [{ kind: "poll", tag: "x" }] }, "conditions.0.kind", /Choose a kind/],
    [{ match: "all", conditions: ["tag"] }, "conditions.0", /object/],
    [{ match: "all", conditions: [{ kind: "tag" }] }, "conditions.0.tag", /Enter a tag/],
    [{ match: "all", conditions: [{ kind: "tag", tag: "   " }] }, "conditions.0.tag", /Enter a tag/],
    [{ match: "all", conditions: [{ kind: "tag", tag: "x".repeat(51) }] }, "conditions.0.tag", /at most 50/],
    [{ match: "all", conditions: [{ kind: "score", op: "at_least", value: "50" }] }, "conditions.0.value", /whole/],
    [{ match: "all", conditions: [{ kind: "score", op: "at_least", value: 1e12 }] }, "conditions.0.value", /from/],
    [{ match: "all", conditions: [{ kind: "score", op: "at_least", value: 1.5 }] }, "conditions.0.value", /whole/],
    [{ match: "all", conditions: [{ kind: "score", op: "over", value: 1 }] }, "conditions.0.op", /at least or at most/],
    [
      { match: "all", conditions: [{ kind: "attended_minutes", minutes: 0, scope: "any" }] },
      "conditions.0.minutes",
      /at least 1/,
    ],
    [
      { match: "all", conditions: [{ kind: "attended_minutes", minutes: 20, scope: "webinar" }] },
      "conditions.0.webinarId",
      /Pick a webinar/,
    ],
    [
      { match: "all", conditions: [{ kind: "webinar_status", status: "attended", scope: "campaign" }] },
      "conditions.0.campaignId",
      /Pick a campaign/,
    ],
    [
      { match: "all", conditions: [{ kind: "webinar_status", status: "late", scope: "any" }] },
      "conditions.0.status",
      /Choose a status/,
    ],
    [{ match: "all", conditions: [{ kind: "email_domain", domain: "acme" }] }, "conditions.0.domain", /domain like/],
    [
      { match: "all", conditions: [{ match: "any", conditions: [{ match: "all", conditions: [] }] }] },
      "conditions.0.conditions.0",
      /one level of nesting/,
    ],
    [{ match: "all", conditions: [{ match: "any", conditions: [] }] }, "conditions.0.conditions", /to the group/],
    [
      { match: "all", conditions: Array.from({ length: 11 }, () => ({ kind: "tag", tag: "x" })) },
      "conditions",
      /at most 10/,
    ],
    [
      {
        match: "all",
        conditions: Array.from({ length: 3 }, () => ({
          match: "any",
          conditions: Array.from({ length: 8 }, () => ({ kind: "tag", tag: "x" })),
        })),
      },
      "conditions",
      /at most 20 conditions in all/,
    ],
  ] as const)("%j: %s", (input, path, message) => {
    const parsed = parseCriteria(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[path]).toMatch(message);
  });

  it("drops the ids a scope does not use", () => {
    const parsed = parseCriteria({
      match: "all",
      conditions: [{ kind: "webinar_status", status: "attended", scope: "any", webinarId: "web_x", campaignId: "c" }],
    });
    expect(parsed.ok && parsed.criteria.conditions[0]).toEqual({
      kind: "webinar_status",
      status: "attended",
      scope: "any",
      webinarId: null,
      campaignId: null,
    });
  });
});

describe("words", () => {
  const names: NameLookup = {
    webinar: (id) => (id === "web_tour" ? "Product tour" : null),
    campaign: (id) => (id === "cmp_goto" ? "GoToWebinar Sync" : null),
    list: (id) => (id === "lst_customers" ? "Customers" : null),
  };
  it.each([
    [{ kind: "attended_minutes", minutes: 20, ...tour }, "Attended “Product tour” for at least 20 minutes"],
    [{ kind: "attended_minutes", minutes: 1, scope: "any" }, "Attended any webinar for at least 1 minute"],
    [{ kind: "webinar_status", status: "absent", ...tour }, "Absent from “Product tour”"],
    [
      { kind: "webinar_status", status: "registered", scope: "campaign", campaignId: "cmp_goto" },
      "Registered for any webinar of campaign “GoToWebinar Sync”",
    ],
    [
      { kind: "webinar_status", status: "attended", scope: "webinar", webinarId: "web_gone" },
      "Attended a deleted webinar",
    ],
    [{ kind: "score", op: "at_least", value: 50 }, "Score is at least 50"],
    [{ kind: "list_member", listId: "lst_customers" }, "Is in the list “Customers”"],
    [{ kind: "email_domain", domain: "acme.com" }, "Email domain is acme.com"],
  ] as const)("%j reads %s", (condition, words) => {
    expect(describeCriteria(one(condition), names).lines).toEqual([words]);
  });

  it("a group reads as one line", () => {
    const parsed = parseCriteria({
      match: "any",
      conditions: [
        { kind: "tag", tag: "vip" },
        {
          match: "all",
          conditions: [
            { kind: "country", value: "Spain" },
            { kind: "score", op: "at_most", value: 5 },
          ],
        },
      ],
    });
    if (!parsed.ok) throw new Error("invalid");
    expect(describeCriteria(parsed.criteria, names)).toEqual({
      lead: "Prospects who match any of:",
      lines: ["Has the tag “vip”", "All of: Country is “Spain” and Score is at most 5"],
    });
  });
});

describe("references", () => {
  it("names the path of each missing webinar, campaign or refused list", () => {
    const parsed = parseCriteria({
      match: "all",
      conditions: [
        { kind: "attended_minutes", minutes: 5, scope: "webinar", webinarId: "web_gone" },
        {
          match: "any",
          conditions: [
            { kind: "list_member", listId: "lst_dyn" },
            { kind: "campaign", campaignId: "c1" },
          ],
        },
      ],
    });
    if (!parsed.ok) throw new Error("invalid");
    const errors = checkReferences(
      parsed.criteria,
      (type, id) => !(type === "webinar" && id === "web_gone"),
      (id) => (id === "lst_dyn" ? "A dynamic list can only use static lists." : null),
    );
    expect(errors).toEqual({
      "conditions.0.webinarId": expect.stringMatching(/does not exist/),
      "conditions.1.conditions.0.listId": "A dynamic list can only use static lists.",
    });
  });
});

describe("stored conditions", () => {
  it("stores a lone condition as a group of one and a group's conditions in order", () => {
    const parsed = parseCriteria({
      match: "any",
      conditions: [
        { kind: "tag", tag: "vip" },
        {
          match: "all",
          conditions: [
            { kind: "country", value: "Spain" },
            { kind: "tag", tag: "b" },
          ],
        },
      ],
    });
    if (!parsed.ok) throw new Error("invalid");
    expect(storedConditions(parsed.criteria)).toEqual([
      { groupNo: 0, position: 0, groupMatch: "all", kind: "tag", params: '{"tag":"vip"}' },
      { groupNo: 1, position: 0, groupMatch: "all", kind: "country", params: '{"value":"Spain"}' },
      { groupNo: 1, position: 1, groupMatch: "all", kind: "tag", params: '{"tag":"b"}' },
    ]);
  });
});

describe("the builder's fields", () => {
  it("nests paths and turns indexes into arrays in order", () => {
    expect(
      nestFields({
        match: "any",
        "conditions.1.kind": "tag",
        "conditions.1.tag": "vip",
        "conditions.0.match": "all",
        "conditions.0.conditions.0.kind": "country",
        _csrf: "x",
        name: "List",
        "conditions.__proto__.kind": "x",
      }),
    ).toEqual({
      match: "any",
      conditions: [
        { match: "all", conditions: [{ kind: "country" }] },
        { kind: "tag", tag: "vip" },
      ],
    });
  });

  it.each([
    [{ "conditions.0.kind": "score", "conditions.0.op": "at_least", "conditions.0.value": "50" }, true, null],
    [
      { "conditions.0.kind": "score", "conditions.0.op": "at_least", "conditions.0.value": "fifty" },
      false,
      "conditions.0.value",
    ],
    [
      { "conditions.0.kind": "score", "conditions.0.op": "at_least", "conditions.0.value": "1e400" },
      false,
      "conditions.0.value",
    ],
    [
      {
        "conditions.0.kind": "attended_minutes",
        "conditions.0.minutes": "20",
        "conditions.0.scope": "webinar",
        "conditions.0.webinarId": "",
      },
      false,
      "conditions.0.webinarId",
    ],
    [{ "conditions.0.kind": "campaign", "conditions.0.campaignId": "" }, false, "conditions.0.campaignId"],
  ] as const)("%j is valid: %s", (fields, ok, path) => {
    const parsed = criteriaFromFields({ match: "all", ...fields });
    expect(parsed.ok).toBe(ok);
    if (!parsed.ok && path) expect(Object.keys(parsed.errors)).toContain(path);
  });

  it("adds, groups and removes conditions; a changed kind shows its own fields", () => {
    let draft = draftFromFields({ match: "all", "conditions.0.kind": "tag", "conditions.0.tag": "vip" });
    draft = applyOp(draft, { op: "add-group" });
    draft = applyOp(draft, { op: "add-to", group: 1 });
    expect(draft.items).toHaveLength(2);
    expect(draft.items[1]).toMatchObject({
      match: "any",
      conditions: [{ kind: "webinar_status" }, { kind: "webinar_status" }],
    });
    draft = applyOp(draft, { op: "remove", item: 1, condition: 0 });
    draft = applyOp(draft, { op: "remove", item: 1, condition: 0 });
    expect(draft.items).toHaveLength(1);
    const changed = applyOp(draftFromFields({ "conditions.0.kind": "score", "conditions.0.tag": "vip" }), {
      op: "refresh",
    });
    expect(changed.items[0]).toEqual({ kind: "score", values: { op: "at_least", value: "50" } });
  });
});

describe("which conditions a fact's change re-judges", () => {
  it("names the conditions that read it, narrowed to the parameter values that read it", () => {
    expect(kindsReading(["attendance_read"])).toEqual([
      { kind: "webinar_status", param: "status", values: ["absent"] },
    ]);
    expect(kindsReading(["sessions_read"])).toEqual([
      { kind: "attended_sessions", param: "which", values: ["all", "latest"] },
    ]);
    // Registrations are read by every value: the whole kind.
    expect(kindsReading(["registrations", "attendance_read"])).toContainEqual({ kind: "webinar_status" });
    expect(kindsReading(["tags"])).toEqual([{ kind: "tag" }]);
  });

  it("is sound: a status other than absent judges the same whether the attendance was read or not", () => {
    for (const status of WEBINAR_STATUSES.filter((s) => s !== "absent")) {
      for (const r of [reg({}), reg({ attended: true, minutesAttended: 30 }), reg({ status: "cancelled" })]) {
        const criteria = one({ kind: "webinar_status", status, ...tour });
        const read = evaluateCriteria(criteria, facts({ registrations: [r] }));
        const unread = evaluateCriteria(criteria, facts({ registrations: [{ ...r, attendanceReadAt: null }] }));
        expect(unread, `${status} ${JSON.stringify(r)}`).toBe(read);
      }
    }
    const absent = one({ kind: "webinar_status", status: "absent", ...tour });
    expect(evaluateCriteria(absent, facts({ registrations: [reg({})] }))).toBe(true);
    expect(evaluateCriteria(absent, facts({ registrations: [reg({ attendanceReadAt: null })] }))).toBe(false);
  });

  it("is sound: 'any session' judges the same whichever sessions were read", () => {
    const any = one({ kind: "attended_sessions", which: "any", webinarId: "web_tour" });
    const sessions = [{ sessionKey: "s1", minutes: 20, share: 50 }];
    for (const attended of [reg({ attended: true, sessions }), reg({})]) {
      const none = evaluateCriteria(any, facts({ registrations: [{ ...attended, sessionsRead: [] }] }));
      const both = evaluateCriteria(
        any,
        facts({
          registrations: [
            {
              ...attended,
              sessionsRead: [
                { sessionKey: "s1", startsAt: ENDED },
                { sessionKey: "s2", startsAt: LATER },
              ],
            },
          ],
        }),
      );
      expect(none).toBe(both);
    }
  });
});

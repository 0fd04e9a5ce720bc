import { describe, expect, it } from "vitest";
import {
  checkMerge,
  type MergeActivity,
  MergeError,
  type MergeFields,
  type MergeRegistration,
  mergeFields,
  planMerge,
} from "../../src/domain/merge";

const M = "pro_master";
const O = "pro_other";

function act(id: string, prospectId: string, dedupeKey: string, occurredAt: string): MergeActivity {
  return { id, prospectId, dedupeKey, occurredAt };
}

function reg(id: string, prospectId: string, over: Partial<MergeRegistration> = {}): MergeRegistration {
  return { id, prospectId, webinarId: "web_1", status: "registered", attended: false, minutesAttended: 0, ...over };
}

describe("checkMerge", () => {
  const active = (id: string) => ({ id, email: `${id}@example.com`, mergedIntoId: null });

  it.each([
    ["the same prospect twice", active(M), active(M), "same_prospect"],
    ["a missing master", null, active(O), "not_found"],
    ["a missing other", active(M), null, "not_found"],
    ["an already merged other", active(M), { ...active(O), mergedIntoId: "pro_x" }, "already_merged"],
    ["an already merged master", { ...active(M), mergedIntoId: "pro_x" }, active(O), "already_merged"],
  ])("refuses %s", (_what, master, other, code) => {
    try {
      checkMerge(master, other);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MergeError);
      expect((error as MergeError).code).toBe(code);
      expect((error as MergeError).message.length).toBeGreaterThan(20);
    }
  });

  it("accepts two different active prospects", () => {
    expect(() => checkMerge(active(M), active(O))).not.toThrow();
  });
});

describe("planMerge: activities", () => {
  it.each([
    ["different keys: nothing dropped", [act("a1", M, "k1", "t1"), act("a2", O, "k2", "t1")], []],
    ["same key, other earlier: the master's goes", [act("a1", M, "k", "t2"), act("a2", O, "k", "t1")], ["a1"]],
    ["same key, master earlier: the other's goes", [act("a1", M, "k", "t1"), act("a2", O, "k", "t2")], ["a2"]],
    ["same key, same time: the master's stays", [act("a2", O, "k", "t1"), act("a1", M, "k", "t1")], ["a2"]],
  ] as [string, MergeActivity[], string[]][])("%s", (_what, activities, dropped) => {
    expect(planMerge(M, activities, []).dropActivityIds).toEqual(dropped);
  });
});

describe("planMerge: registrations for the same webinar", () => {
  it.each([
    ["attended beats not attended", reg("r1", M), reg("r2", O, { attended: true, minutesAttended: 5 }), ["r1"]],
    [
      "more minutes beat fewer",
      reg("r1", M, { attended: true, minutesAttended: 10 }),
      reg("r2", O, { attended: true, minutesAttended: 40 }),
      ["r1"],
    ],
    ["approved beats registered", reg("r1", M), reg("r2", O, { status: "approved" }), ["r1"]],
    ["registered beats pending", reg("r1", M, { status: "pending" }), reg("r2", O), ["r1"]],
    ["error beats denied", reg("r1", M, { status: "error" }), reg("r2", O, { status: "denied" }), ["r2"]],
    ["denied beats cancelled", reg("r1", M, { status: "cancelled" }), reg("r2", O, { status: "denied" }), ["r1"]],
    ["a tie keeps the master's", reg("r2", O), reg("r1", M), ["r2"]],
    ["different webinars both stay", reg("r1", M), reg("r2", O, { webinarId: "web_2" }), []],
  ] as [string, MergeRegistration, MergeRegistration, string[]][])("%s", (_what, a, b, dropped) => {
    expect(planMerge(M, [], [a, b]).dropRegistrationIds).toEqual(dropped);
  });
});

describe("mergeFields", () => {
  const base: MergeFields = {
    firstName: null,
    lastName: "Master",
    company: " ",
    jobTitle: null,
    phone: null,
    country: "DE",
    campaignId: null,
    customFields: '{"a":"master","b":"master"}',
  };
  const other: MergeFields = {
    firstName: "Olga",
    lastName: "Other",
    company: "Other Co",
    jobTitle: "CTO",
    phone: null,
    country: "FR",
    campaignId: "cmp_1",
    customFields: '{"b":"other","c":"other"}',
  };

  it("keeps the master's set fields and fills its empty ones from the other", () => {
    const merged = mergeFields(base, other);
    expect(merged).toMatchObject({
      firstName: "Olga",
      lastName: "Master",
      company: "Other Co",
      jobTitle: "CTO",
      phone: null,
      country: "DE",
      campaignId: "cmp_1",
    });
    expect(JSON.parse(merged.customFields)).toEqual({ a: "master", b: "master", c: "other" });
  });

  it("survives custom fields that are not JSON objects", () => {
    expect(
      JSON.parse(mergeFields({ ...base, customFields: "nope" }, { ...other, customFields: "[1]" }).customFields),
    ).toEqual({});
  });
});

import { describe, expect, it } from "vitest";
import {
  discoveryWindow,
  fingerprint,
  planDiscovery,
  type StoredWebinarFingerprint,
  type WebinarFacts,
} from "../../src/domain/discovery";

const window = { fromTime: "2026-01-01T00:00:00Z", toTime: "2027-12-31T00:00:00Z" };

function facts(key: string, subject = `Webinar ${key}`, start = "2026-06-01T10:00:00Z"): WebinarFacts {
  return {
    webinarKey: key,
    subject,
    description: null,
    times: [{ startTime: start, endTime: "2026-06-01T11:00:00Z" }],
    timeZone: "Europe/Berlin",
    registrationUrl: null,
    approvalType: "AUTOMATIC",
  };
}

function stored(f: WebinarFacts, status: "scheduled" | "cancelled" = "scheduled"): StoredWebinarFingerprint {
  return {
    id: `web_${f.webinarKey}`,
    webinarKey: f.webinarKey,
    fingerprint: fingerprint(f, status),
    status,
    startsAt: f.times[0]?.startTime ?? "",
  };
}

let n = 0;
const newId = () => `new_${++n}`;

describe("planDiscovery", () => {
  it("adds what is new", () => {
    const plan = planDiscovery([], [facts("1"), facts("2")], window, newId);
    expect(plan.writes.map((w) => [w.facts.webinarKey, w.isNew])).toEqual([
      ["1", true],
      ["2", true],
    ]);
    expect(plan.cancelled).toEqual([]);
  });

  it("plans nothing when GoTo lists exactly what is stored", () => {
    const listing = [facts("1"), facts("2")];
    expect(
      planDiscovery(
        listing.map((f) => stored(f)),
        listing,
        window,
        newId,
      ),
    ).toEqual({ writes: [], cancelled: [] });
  });

  it("rewrites a changed webinar under its existing id", () => {
    const plan = planDiscovery([stored(facts("1"))], [facts("1", "New title")], window, newId);
    expect(plan.writes).toEqual([{ id: "web_1", facts: facts("1", "New title"), isNew: false }]);
  });

  it("ignores a key listed twice (GoTo paging overlap)", () => {
    expect(planDiscovery([], [facts("1"), facts("1")], window, newId).writes).toHaveLength(1);
  });

  it("cancels a scheduled webinar inside the window that GoTo no longer lists, not one outside it", () => {
    const inside = stored(facts("1"));
    const outside = stored(facts("2", "Old", "2025-01-01T10:00:00Z"));
    const already = stored(facts("3"), "cancelled");
    const plan = planDiscovery([inside, outside, already], [], window, newId);
    expect(plan.cancelled).toEqual(["web_1"]);
  });

  it("brings a webinar listed again after a cancellation back to scheduled", () => {
    const plan = planDiscovery([stored(facts("1"), "cancelled")], [facts("1")], window, newId);
    expect(plan.writes).toEqual([{ id: "web_1", facts: facts("1"), isNew: false }]);
  });
});

describe("discoveryWindow", () => {
  it("spans a year back and a year ahead, in GoTo's second-precision UTC format", () => {
    expect(discoveryWindow(new Date("2026-11-28T12:34:56.789Z"))).toEqual({
      fromTime: "2025-11-28T12:34:56Z",
      toTime: "2027-11-28T12:34:56Z",
    });
  });
});

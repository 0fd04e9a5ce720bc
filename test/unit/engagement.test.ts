import { describe, expect, it } from "vitest";
import {
  clip,
  type EngagementItem,
  engagementDedupeKey,
  engagementDetail,
  isEngagementActivity,
} from "../../src/domain/engagement";

const base: EngagementItem = {
  kind: "poll",
  sessionKey: "7000000000000000001",
  registrantKey: "6000000000000000001",
  email: "Ada@Example.com",
  question: "How soon are you buying?",
  answers: ["This quarter"],
  answer: null,
  occurredAt: "2026-12-01T10:00:00.000Z",
};

describe("engagement dedupe keys (F31)", () => {
  it.each([
    ["answers changed (a re-answered poll)", { answers: ["Next year"] }, true],
    ["question case and spacing", { question: "  how soon ARE you   buying? " }, true],
    ["occurredAt", { occurredAt: "2026-12-02T00:00:00.000Z" }, true],
    ["email (the key names the person)", { email: "other@example.com" }, true],
    ["another session", { sessionKey: "7000000000000000002" }, false],
    ["another person", { registrantKey: "6000000000000000002" }, false],
    ["another kind", { kind: "survey" as const }, false],
    ["another question", { question: "Team size?" }, false],
  ])("%s → same key: %s", (_what, change, same) => {
    const a = engagementDedupeKey("web_1", base);
    const b = engagementDedupeKey("web_1", { ...base, ...change });
    expect(a === b).toBe(same);
  });

  it("falls back to the email without a registrant key, and has none without either", () => {
    const byEmail = engagementDedupeKey("web_1", { ...base, registrantKey: null });
    expect(byEmail).toBe(engagementDedupeKey("web_1", { ...base, registrantKey: null, email: "ada@example.com " }));
    expect(byEmail).not.toBe(engagementDedupeKey("web_1", base));
    expect(engagementDedupeKey("web_1", { ...base, registrantKey: null, email: null })).toBeNull();
    expect(engagementDedupeKey("web_2", base)).not.toBe(engagementDedupeKey("web_1", base));
  });
});

describe("engagement detail and text", () => {
  it.each([
    [{ kind: "poll", question: "Q?", answers: ["A", "B"], answer: null }, "“Q?” Answer: A; B"],
    [{ kind: "survey", question: "Q?", answers: [], answer: null }, "“Q?”"],
    [{ kind: "question", question: "Q?", answers: [], answer: "Yes" }, "“Q?” Answer: Yes"],
    [{ kind: "question", question: "Q?", answers: [], answer: null }, "“Q?”"],
  ] as const)("%o → %s", (item, text) => {
    expect(engagementDetail({ ...item, answers: [...item.answers] })).toBe(text);
  });

  it("clips long text and folds whitespace; knows its activity types", () => {
    expect(clip(" a \n\t b ")).toBe("a b");
    expect(clip("x".repeat(5000))).toHaveLength(2000);
    expect(isEngagementActivity("webinar_poll_answered")).toBe(true);
    expect(isEngagementActivity("webinar_attended")).toBe(false);
  });
});

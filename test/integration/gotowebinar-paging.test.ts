import { describe, expect, it } from "vitest";
import { type Connected, connectOrganizer, control, DAY, faults, makeWebinar, NO_FAULTS } from "./gotowebinar-helpers";

/**
 * Done-when 4 of issue 3: a webinar with 10,000 registrants lists completely and exactly through
 * the client's paging (page/limit, 200 a page) against the real simulator: every registrant once,
 * none lost, none repeated. The time it took is printed (figures belong in the note, not in asserts).
 */

const COUNT = 10_000;
const SEED_CHUNK = 1_000;

describe("paging through 10,000 registrants", () => {
  it("lists every registrant exactly once", { timeout: 300_000 }, async () => {
    // The default 10 requests/s per token would make this a test of the rate limit, which the
    // gateway owns; the client itself does not throttle.
    await faults(NO_FAULTS);
    const org: Connected = await connectOrganizer("paging");
    const { webinarKey } = await makeWebinar(org.email, 30 * DAY);

    const emails = Array.from({ length: COUNT }, (_, i) => `person-${String(i).padStart(5, "0")}@example.com`);
    const seedStarted = performance.now();
    for (let i = 0; i < COUNT; i += SEED_CHUNK) {
      await control(
        "POST",
        `/webinars/${webinarKey}/registrants`,
        emails.slice(i, i + SEED_CHUNK).map((email, j) => ({ email, firstName: "Person", lastName: String(i + j) })),
      );
    }
    const seedMs = performance.now() - seedStarted;

    const started = performance.now();
    const all = await org.client.listAllRegistrants({ organizerKey: org.organizerKey, webinarKey });
    const listMs = performance.now() - started;
    console.log(
      `gotowebinar paging: ${all.length} registrants listed in ${Math.round(listMs)} ms over ${Math.ceil(COUNT / 200)} pages of 200 (seeding took ${Math.round(seedMs)} ms)`,
    );

    expect(all).toHaveLength(COUNT);
    const keys = new Set(all.map((r) => r.registrantKey));
    expect(keys.size).toBe(COUNT);
    for (const key of keys) expect(key).toMatch(/^\d{19}$/);
    expect(all.map((r) => r.email).sort()).toEqual(emails);

    // The plain-array shape (no page/limit) holds the same registrants with the same keys.
    const plain = await org.client.listRegistrants({ organizerKey: org.organizerKey, webinarKey });
    expect(plain.paging).toBeNull();
    expect(new Set(plain.registrants.map((r) => r.registrantKey))).toEqual(keys);
  });
});

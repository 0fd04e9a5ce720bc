import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mergeProspects } from "../../src/db/queries/merge";
import { rows } from "../helpers";
import { controlJson } from "./connector-helpers";
import { HOUR, MINUTE, session, syncFixture, syncNow } from "./sync-helpers";

/**
 * A merge, then the sync engine polls again: one person registered on GoTo's page with two emails,
 * attended with the second. After merging them, re-polls leave the master's registration, activities
 * and score as the merge made them (F22 with ingestion running).
 */
describe("merge, then GoTo polls again", () => {
  it("keeps the master's attendance, activities and score across re-polls", async () => {
    const s = session(-3 * HOUR);
    const fx = await syncFixture([{ subject: "Merge and poll", times: [s] }], async (key) => {
      for (const email of ["pat@acme.test", "pat.private@mail.test"]) {
        await controlJson("POST", `/webinars/${key}/registrants`, { email, firstName: "Pat", lastName: "Poll" });
      }
      await controlJson("POST", `/webinars/${key}/attendance`, {
        email: "pat.private@mail.test",
        joinTime: new Date(Date.parse(s.startTime) + 5 * MINUTE).toISOString(),
        leaveTime: new Date(Date.parse(s.startTime) + 45 * MINUTE).toISOString(),
      });
    });
    const webinarId = fx.webinars[0]?.id ?? "";
    await syncNow(webinarId);
    const ids = await rows<{ id: string; email: string }>(
      "SELECT id, email FROM prospects WHERE email IN ('pat@acme.test', 'pat.private@mail.test')",
    );
    const master = ids.find((p) => p.email === "pat@acme.test")?.id ?? "";
    const other = ids.find((p) => p.email === "pat.private@mail.test")?.id ?? "";
    expect(master && other).toBeTruthy();

    await mergeProspects(env.DB, { masterId: master, otherId: other, mergedBy: null, now: new Date().toISOString() });
    const state = async () => ({
      registrations: await rows(
        "SELECT prospect_id, attended, minutes_attended FROM registrations WHERE webinar_id = ?",
        webinarId,
      ),
      activities: await rows(
        "SELECT prospect_id, type, points FROM activities WHERE webinar_id = ? ORDER BY type",
        webinarId,
      ),
      score: await rows("SELECT score FROM prospects WHERE id = ?", master),
    });
    const merged = await state();
    expect(merged.registrations).toEqual([{ prospect_id: master, attended: 1, minutes_attended: 40 }]);

    await syncNow(webinarId);
    await syncNow(webinarId);
    expect(await state()).toEqual(merged);
  }, 60_000);
});

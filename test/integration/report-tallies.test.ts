import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mergeProspects } from "../../src/db/queries/merge";
import { MINUTE_BOUNDS } from "../../src/domain/report-shape";
import { callGateway } from "../../src/sync/gateway-client";
import { ADMIN, call, login, rows } from "../helpers";
import { controlJson } from "./connector-helpers";
import { builderBody, expectStatus, liveForm, NAME_FIELDS, submit } from "./form-helpers";
import { DAY, HOUR, MINUTE, registrationOf, session, syncFixture, syncNow } from "./sync-helpers";

/**
 * The report reads `registration_tallies`, which triggers keep with every write to
 * `registrations`. After each way those rows change (ingestion, a re-poll, cancellation and
 * denial in GoTo, a merge, a form submission and its push to GoTo), the tallies must equal a
 * recount of the registrations, with the minutes bands the report's code uses.
 */
const band = `CASE WHEN attended = 1 THEN CASE ${MINUTE_BOUNDS.slice(1)
  .map((b, i) => `WHEN minutes_attended < ${b} THEN ${i}`)
  .join(" ")} ELSE ${MINUTE_BOUNDS.length - 1} END ELSE 0 END`;

async function recount(): Promise<unknown[]> {
  return rows(`
    SELECT webinar_id, status, attended, ${band} AS bucket, source, coalesce(form_id, '') AS form_id,
           coalesce(handler_id, '') AS handler_id, substr(registered_at, 1, 10) AS day, count(*) AS n
    FROM registrations GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`);
}

async function tallies(): Promise<unknown[]> {
  return rows(`
    SELECT webinar_id, status, attended, bucket, source, form_id, handler_id, day, n
    FROM registration_tallies WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8`);
}

async function expectTalliesMatch(when: string): Promise<void> {
  expect(await tallies(), when).toEqual(await recount());
  expect(await rows("SELECT * FROM registration_tallies WHERE n <= 0"), `${when}: no empty tallies left`).toEqual([]);
}

describe("registration tallies equal a recount of the registrations", () => {
  it("are kept by three triggers on registrations (a migration that rebuilds the table must create them again)", async () => {
    const triggers = await rows<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registrations' ORDER BY name",
    );
    expect(triggers.map((t) => t.name)).toEqual([
      "registration_tallies_delete",
      "registration_tallies_insert",
      "registration_tallies_update",
    ]);
  });

  it("after ingestion, re-polls, cancellation and denial, a merge, and a form registration pushed to GoTo", async () => {
    const past = session(-3 * HOUR);
    const attend = (minutes: number) => ({
      joinTime: new Date(Date.parse(past.startTime) + MINUTE).toISOString(),
      leaveTime: new Date(Date.parse(past.startTime) + (1 + minutes) * MINUTE).toISOString(),
    });
    const fx = await syncFixture(
      [
        { subject: "Tallies past", times: [past] },
        { subject: "Tallies upcoming", times: [session(5 * DAY)] },
      ],
      async (key, i) => {
        if (i === 1) {
          for (const name of ["hal", "ian"]) {
            await controlJson("POST", `/webinars/${key}/registrants`, {
              email: `${name}@tally.test`,
              firstName: name,
              lastName: "Tally",
            });
          }
          return;
        }
        for (const name of ["ann", "bob", "cat", "dan", "eve", "fay"]) {
          await controlJson("POST", `/webinars/${key}/registrants`, {
            email: `${name}@tally.test`,
            firstName: name,
            lastName: "Tally",
          });
        }
        await controlJson("POST", `/webinars/${key}/attendance`, { email: "ann@tally.test", ...attend(50) });
        await controlJson("POST", `/webinars/${key}/attendance`, { email: "bob@tally.test", ...attend(8) });
        await controlJson("POST", `/webinars/${key}/attendance`, { email: "cat@tally.test", ...attend(31) });
      },
    );
    const [finished, upcoming] = fx.webinars;
    if (!finished || !upcoming) throw new Error("no webinars");
    await syncNow(finished.id);
    expect(await rows("SELECT count(*) AS n FROM registrations WHERE webinar_id = ?", finished.id)).toEqual([{ n: 6 }]);
    await expectTalliesMatch("after the first ingestion");
    await syncNow(finished.id);
    await expectTalliesMatch("after a re-poll with nothing changed");

    await syncNow(upcoming.id);
    await expectTalliesMatch("after the upcoming webinar's ingestion");
    const keys = { organizerKey: fx.organizerKey, webinarKey: upcoming.webinarKey };
    const hal = await registrationOf(upcoming.id, "hal@tally.test");
    const ian = await registrationOf(upcoming.id, "ian@tally.test");
    const removed = await callGateway(env, fx.connectorId, "deleteRegistrant", {
      ...keys,
      registrantKey: String(hal.registrant_key),
    });
    expect(removed.ok).toBe(true);
    const deny = await call(`/sim/control/webinars/${upcoming.webinarKey}/registrants/${ian.registrant_key}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "DENIED" }),
    });
    expect(deny.status).toBe(200);
    await syncNow(upcoming.id);
    expect((await registrationOf(upcoming.id, "hal@tally.test")).status).toBe("cancelled");
    expect((await registrationOf(upcoming.id, "ian@tally.test")).status).toBe("denied");
    await expectTalliesMatch("after a cancellation and a denial");

    // Fay and Bob are one person: the merge keeps one registration (Bob's, who attended).
    const [fay] = await rows<{ id: string }>("SELECT id FROM prospects WHERE email = 'fay@tally.test'");
    const [bob] = await rows<{ id: string }>("SELECT id FROM prospects WHERE email = 'bob@tally.test'");
    await mergeProspects(env.DB, {
      masterId: fay?.id ?? "",
      otherId: bob?.id ?? "",
      mergedBy: null,
      now: new Date().toISOString(),
    });
    expect(await rows("SELECT count(*) AS n FROM registrations WHERE webinar_id = ?", finished.id)).toEqual([{ n: 5 }]);
    await expectTalliesMatch("after a merge");
    await syncNow(finished.id);
    await expectTalliesMatch("after a re-poll after the merge");

    const admin = await login(ADMIN.email, ADMIN.password);
    const formId = await liveForm(
      admin,
      builderBody(admin, { name: "Tally form", fields: NAME_FIELDS, extra: { register_webinar: upcoming.id } }),
    );
    await expectStatus(await submit(formId, { email: "gil@tally.test", firstName: "Gil", lastName: "Tally" }), 200);
    await expectTalliesMatch("after a form submission (pending)");
    for (let i = 0; i < 100 && (await registrationOf(upcoming.id, "gil@tally.test")).status === "pending"; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await registrationOf(upcoming.id, "gil@tally.test")).status).not.toBe("pending");
    await expectTalliesMatch("after the outbox pushed it to GoTo");
    expect(
      await rows("SELECT form_id, n FROM registration_tallies WHERE webinar_id = ? AND source = 'form'", upcoming.id),
    ).toEqual([{ form_id: formId, n: 1 }]);
  }, 90_000);
});

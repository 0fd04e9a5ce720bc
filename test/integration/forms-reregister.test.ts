import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callGateway } from "../../src/sync/gateway-client";
import { rows } from "../helpers";
import { adminSession, controlJson } from "./connector-helpers";
import { builderBody, expectStatus, liveForm, NAME_FIELDS, submit, webinarsFor } from "./form-helpers";
import { registrationOf, syncNow, syncSettled } from "./sync-helpers";

/** Waits until the webinar's outbox has nothing waiting (its alarm pushes it). */
async function drainOutbox(webinarId: string): Promise<void> {
  await syncSettled(webinarId, (s) => s.outbox.waiting === 0);
}

async function inGoTo(webinarKey: string, email: string): Promise<{ registrantKey: string; status: string }[]> {
  const state = await controlJson<{ registrants: { email: string; registrantKey: string; status: string }[] }>(
    "GET",
    `/state?webinarKey=${webinarKey}`,
  );
  return state.registrants.filter((r) => r.email === email);
}

describe("registering again after GoTo dropped a registration", () => {
  it("a new form submission re-registers a cancelled registration in GoTo; a double submit still registers once", async () => {
    await controlJson("PUT", "/faults", { rateLimitPerSecond: 100_000 });
    const session = await adminSession();
    const { connectorId, webinars } = await webinarsFor(session, [{ subject: "Second chances", startDays: 9 }]);
    const webinar = webinars[0] ?? { id: "", webinarKey: "" };
    const formId = await liveForm(
      session,
      builderBody(session, {
        name: "Second chances form",
        fields: NAME_FIELDS,
        extra: { register_webinar: webinar.id },
      }),
    );
    const visitor = { email: "grace@example.com", firstName: "Grace", lastName: "Hopper" };

    await expectStatus(await submit(formId, visitor), 200);
    await drainOutbox(webinar.id);
    const first = await registrationOf(webinar.id, visitor.email);
    expect(first.status).toBe("approved");
    const [firstInGoTo] = await inGoTo(webinar.webinarKey, visitor.email);
    expect(firstInGoTo?.registrantKey).toBe(first.registrant_key);

    // The organizer removes the registrant in GoTo; the next poll shows the registration cancelled (F18).
    const organizerKey = (
      await rows<{ organizer_key: string }>("SELECT organizer_key FROM connectors WHERE id = ?", connectorId)
    )[0]?.organizer_key;
    const deleted = await callGateway(env, connectorId, "deleteRegistrant", {
      organizerKey: organizerKey ?? "",
      webinarKey: webinar.webinarKey,
      registrantKey: String(first.registrant_key),
    });
    expect(deleted.ok).toBe(true);
    await syncNow(webinar.id);
    expect((await registrationOf(webinar.id, visitor.email)).status).toBe("cancelled");

    // The visitor registers again (a new submission, not a double submit): pending, pushed, in GoTo again.
    await expectStatus(await submit(formId, { ...visitor, firstName: "Grace B." }), 200);
    expect((await registrationOf(webinar.id, visitor.email)).status).toBe("pending");
    await drainOutbox(webinar.id);
    const again = await registrationOf(webinar.id, visitor.email);
    expect(again.status).toBe("approved");
    const nowInGoTo = await inGoTo(webinar.webinarKey, visitor.email);
    expect(nowInGoTo).toHaveLength(1);
    expect(again.registrant_key).toBe(nowInGoTo[0]?.registrantKey);
    expect(again.registrant_key).not.toBe(first.registrant_key);

    // Submitting the same again is a double submit: nothing new reaches GoTo.
    await expectStatus(await submit(formId, { ...visitor, firstName: "Grace B." }), 200);
    await drainOutbox(webinar.id);
    expect(await inGoTo(webinar.webinarKey, visitor.email)).toHaveLength(1);
    expect(await rows("SELECT id FROM registrations WHERE webinar_id = ?", webinar.id)).toHaveLength(1);
  }, 60_000);
});

import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { findForm, type StoredForm } from "../../src/db/queries/forms";
import { processSubmission } from "../../src/services/submission";
import { rows, type Session } from "../helpers";
import { adminSession } from "./connector-helpers";
import { builderBody, liveForm, NAME_FIELDS, visitorIp } from "./form-helpers";

/**
 * The submission's hot path over time, with the clock injected: double submits are caught in a
 * window that slides with each post (wherever the wall clock stands).
 */

let session: Session;

beforeAll(async () => {
  session = await adminSession();
});

async function newForm(): Promise<StoredForm> {
  const id = await liveForm(
    session,
    builderBody(session, { name: `Window ${crypto.randomUUID().slice(0, 6)}`, fields: NAME_FIELDS }),
  );
  const stored = await findForm(createDb(env.DB), id);
  if (!stored) throw new Error("form not stored");
  return stored;
}

function post(form: StoredForm, email: string, now: Date, ip = visitorIp()) {
  return processSubmission(
    env,
    { formId: form.id, handlerId: null, fields: form.fields, actions: form.actions },
    { email, firstName: "Ada", lastName: "Lovelace" },
    { ip, utm: {}, referrer: null, now },
  );
}

async function storedCount(form: StoredForm): Promise<number> {
  return (await rows("SELECT id FROM submissions WHERE form_id = ?", form.id)).length;
}

const at = (iso: string) => new Date(iso);

describe("double submits in a sliding ten-minute window", () => {
  it("two posts 0.2 s apart across hh:30:00 are one submission", async () => {
    const form = await newForm();
    const first = await post(form, "boundary@example.com", at("2031-03-04T10:29:59.900Z"));
    const second = await post(form, "boundary@example.com", at("2031-03-04T10:30:00.100Z"));
    expect(first).toMatchObject({ kind: "accepted", duplicate: false });
    expect(second).toMatchObject({ kind: "accepted", duplicate: true });
    expect(await storedCount(form)).toBe(1);
  });

  it("9 min 59 s apart is one submission, 10 min 1 s apart is two", async () => {
    const form = await newForm();
    await post(form, "slide@example.com", at("2031-03-04T11:05:00.000Z"));
    expect(await post(form, "slide@example.com", at("2031-03-04T11:14:59.000Z"))).toMatchObject({ duplicate: true });
    expect(await storedCount(form)).toBe(1);
    expect(await post(form, "slide@example.com", at("2031-03-04T11:15:01.000Z"))).toMatchObject({ duplicate: false });
    expect(await storedCount(form)).toBe(2);
  });

  it("another email or other content in the window is a submission of its own", async () => {
    const form = await newForm();
    const now = at("2031-03-04T12:00:00.000Z");
    await post(form, "one@example.com", now);
    await post(form, "two@example.com", now);
    await processSubmission(
      env,
      { formId: form.id, handlerId: null, fields: form.fields, actions: form.actions },
      { email: "one@example.com", firstName: "Adaline", lastName: "Lovelace" },
      { ip: visitorIp(), utm: {}, referrer: null, now },
    );
    expect(await storedCount(form)).toBe(3);
  });

  it("ten concurrent identical posts are stored once and make one prospect and one Form submitted activity", async () => {
    const form = await newForm();
    const now = at("2031-03-04T13:29:59.950Z");
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(form, "race@example.com", new Date(now.getTime() + i * 20))),
    );
    expect(outcomes.filter((o) => o.kind === "accepted" && !o.duplicate)).toHaveLength(1);
    expect(await storedCount(form)).toBe(1);
    const prospects = await rows<{ id: string }>("SELECT id FROM prospects WHERE email = 'race@example.com'");
    expect(prospects).toHaveLength(1);
    expect(
      await rows("SELECT id FROM activities WHERE prospect_id = ? AND type = 'form_submitted'", prospects[0]?.id),
    ).toHaveLength(1);
  });
});

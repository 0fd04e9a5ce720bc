import { describe, expect, it } from "vitest";
import { call, login, makeUser, rows } from "../helpers";
import {
  addConnector,
  adminSession,
  callback,
  connectorRow,
  consent,
  newOrganizer,
  startVerify,
} from "./connector-helpers";

describe("connector verification through the simulator (HTTP level)", () => {
  it("ends with a verified connector: state and PKCE checked, organizer matched, tokens handed to the gateway", async () => {
    const session = await adminSession();
    const organizer = await newOrganizer();
    const connectorId = await addConnector(session, organizer.email.toUpperCase());
    expect(await connectorRow(connectorId)).toMatchObject({ status: "unverified", organizer_email: organizer.email });

    const { authorize, cookie } = await startVerify(session, connectorId);
    expect(authorize.pathname).toBe("/sim/oauth/authorize");
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://localhost/oauth/goto/callback");

    const redirect = await consent(authorize, organizer.email);
    expect(redirect.searchParams.get("state")).toBe(authorize.searchParams.get("state"));
    const res = await callback(session, cookie, redirect);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/admin/connectors/${connectorId}?flash=verified`);
    expect(res.headers.get("set-cookie")).toMatch(/rollcall_goto_oauth=;/);

    expect(await connectorRow(connectorId)).toMatchObject({
      status: "verified",
      organizer_key: organizer.organizerKey,
      organizer_name: "Olga Organizer",
    });
    const page = await (await call(`/admin/connectors/${connectorId}`, { cookie: session.cookie })).text();
    expect(page).toContain("Verified with GoTo");
    expect(page).toContain("✓");
  });

  it("explains a denied consent and leaves the connector unverified", async () => {
    const session = await adminSession();
    const organizer = await newOrganizer();
    const connectorId = await addConnector(session, organizer.email);
    const { authorize, cookie } = await startVerify(session, connectorId);
    const redirect = await consent(authorize, organizer.email, "deny");
    expect(redirect.searchParams.get("error")).toBe("access_denied");
    const res = await callback(session, cookie, redirect);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("consent page was answered with Deny");
    expect((await connectorRow(connectorId))?.status).toBe("unverified");
  });

  it("refuses a tampered state", async () => {
    const session = await adminSession();
    const organizer = await newOrganizer();
    const connectorId = await addConnector(session, organizer.email);
    const { authorize, cookie } = await startVerify(session, connectorId);
    const redirect = await consent(authorize, organizer.email);
    redirect.searchParams.set("state", `${redirect.searchParams.get("state")}x`);
    const res = await callback(session, cookie, redirect);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("security check (state) did not match");
    expect((await connectorRow(connectorId))?.status).toBe("unverified");
  });

  it("refuses a forged or missing state cookie", async () => {
    const session = await adminSession();
    const organizer = await newOrganizer();
    const connectorId = await addConnector(session, organizer.email);
    const { authorize } = await startVerify(session, connectorId);
    const redirect = await consent(authorize, organizer.email);
    const forged = await callback(session, "rollcall_goto_oauth=v1.AAAA.BBBB", redirect);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("does not belong to a verification started in this browser");
    expect((await connectorRow(connectorId))?.status).toBe("unverified");
  });

  it("refuses a reused code", async () => {
    const session = await adminSession();
    const organizer = await newOrganizer();
    const connectorId = await addConnector(session, organizer.email);
    const { authorize, cookie } = await startVerify(session, connectorId);
    const redirect = await consent(authorize, organizer.email);
    expect((await callback(session, cookie, redirect)).status).toBe(303);

    // Someone replays the same answer (same code and state) on a connector that needs verifying.
    const other = await addConnector(session, organizer.email);
    const second = await startVerify(session, other);
    const replay = new URL(redirect);
    replay.searchParams.set("state", second.authorize.searchParams.get("state") ?? "");
    const res = await callback(session, second.cookie, replay);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("expired or was already used");
    expect((await connectorRow(other))?.status).toBe("unverified");
  });

  it("refuses a different organizer and says who GoTo saw", async () => {
    const session = await adminSession();
    const expected = await newOrganizer();
    const intruder = await newOrganizer();
    const connectorId = await addConnector(session, expected.email);
    const { authorize, cookie } = await startVerify(session, connectorId);
    const redirect = await consent(authorize, intruder.email);
    const res = await callback(session, cookie, redirect);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("That is a different GoTo organizer");
    expect(html).toContain(intruder.email);
    expect((await connectorRow(connectorId))?.status).toBe("unverified");
  });

  it("refuses state, cookie and code replayed in another user's session, then still verifies in the session that started", async () => {
    const sessionA = await adminSession();
    const marketer = await makeUser("marketer");
    const sessionB = await login(marketer.email, marketer.password);
    const organizer = await newOrganizer();
    const connectorId = await addConnector(sessionA, organizer.email);
    const { authorize, cookie } = await startVerify(sessionA, connectorId);
    const redirect = await consent(authorize, organizer.email);

    const replayed = await callback(sessionB, cookie, redirect);
    expect(replayed.status).toBe(400);
    const html = await replayed.text();
    expect(html).toContain("This verification was started by another login");
    expect(html).toContain("different Rollcall session");
    expect((await connectorRow(connectorId))?.status).toBe("unverified");
    const [audit] = await rows<{ actor_id: string; detail: string }>(
      "SELECT actor_id, detail FROM audit_log WHERE action = 'connector.verify_failed' AND subject = ? ORDER BY id DESC",
      connectorId,
    );
    expect(audit).toEqual({ actor_id: marketer.id, detail: "other_session" });

    // The same user in another login (another browser) is another session too.
    const sessionA2 = await adminSession();
    expect((await callback(sessionA2, cookie, redirect)).status).toBe(400);
    expect((await connectorRow(connectorId))?.status).toBe("unverified");

    const own = await callback(sessionA, cookie, redirect);
    expect(own.status).toBe(303);
    expect(own.headers.get("location")).toBe(`/admin/connectors/${connectorId}?flash=verified`);
    expect((await connectorRow(connectorId))?.status).toBe("verified");
  });

  it("caps GoTo's error and error_description and cleans them before the audit log and the page", async () => {
    const session = await adminSession();
    const organizer = await newOrganizer();
    const connectorId = await addConnector(session, organizer.email);
    const { cookie } = await startVerify(session, connectorId);
    const error = `server_error\r\nX-Injected: 1\u202e${"e".repeat(2000)}`;
    const description = `\u0000bad\u200b news <script>alert(1)</script>${"d".repeat(5000)}`;
    const query = new URLSearchParams({ error, error_description: description });
    const res = await call(`/oauth/goto/callback?${query}`, { cookie: `${session.cookie}; ${cookie}` });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("GoTo refused the authorization");
    expect(html).toContain("GoTo&#39;s answer: server_error X-Injected: 1eee");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toMatch(/[\u200b\u202e]/);
    expect(html).not.toContain("\u0000");
    expect(html).not.toContain("e".repeat(250));
    const [audit] = await rows<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'connector.verify_failed' AND subject = ? ORDER BY id DESC",
      connectorId,
    );
    const detail = audit?.detail ?? "";
    expect(detail.startsWith("code_refused: server_error X-Injected: 1eee")).toBe(true);
    expect(detail.length).toBeLessThanOrEqual("code_refused: ".length + 200);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
    expect(detail).not.toMatch(/[\u0000-\u001f\u200b\u202e]/);
    expect((await connectorRow(connectorId))?.status).toBe("unverified");
  });

  it("validates the connector form field by field and keeps what was typed", async () => {
    const session = await adminSession();
    const res = await call("/admin/connectors", {
      method: "POST",
      cookie: session.cookie,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: session.csrf, organizerEmail: "not an email", campaign: "x".repeat(101) }),
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Enter a valid email address");
    expect(html).toContain("at most 100 characters");
    expect(html).toContain('value="not an email"');
  });
});

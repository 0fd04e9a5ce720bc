import { Hono } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { createDb } from "../db/client";
import { recordAudit } from "../db/queries/audit";
import type { AppEnv } from "../env";
import { clientIp } from "../lib/request";
import { OAUTH_CALLBACK_PATH } from "../sync/goto-env";
import { completeVerification, OAUTH_COOKIE, VERIFICATION_MESSAGES } from "../sync/verification";
import { Flash, PageHeader } from "../views/components";

/** The OAuth redirect URI registered with GoTo: `/oauth/goto/callback`. Needs a logged-in marketer. */
export const oauthRoutes = new Hono<AppEnv>();

oauthRoutes.get(OAUTH_CALLBACK_PATH.slice("/oauth".length), async (c) => {
  const result = await completeVerification(
    c.env,
    c.get("goto"),
    new URL(c.req.url).origin,
    getCookie(c, OAUTH_COOKIE),
    { sessionId: c.get("sessionId"), userId: c.get("user")?.id ?? null },
    {
      code: c.req.query("code"),
      state: c.req.query("state"),
      error: c.req.query("error"),
      errorDescription: c.req.query("error_description"),
    },
  );
  // One use only: the sealed state goes whatever happened.
  deleteCookie(c, OAUTH_COOKIE, { path: "/oauth" });
  const db = createDb(c.env.DB);
  const actorId = c.get("user")?.id ?? null;
  if (result.ok) {
    await recordAudit(db, { actorId, action: "connector.verified", subject: result.organizerEmail, ip: clientIp(c) });
    return c.redirect(`/admin/connectors/${result.connectorId}?flash=verified`, 303);
  }
  await recordAudit(db, {
    actorId,
    action: "connector.verify_failed",
    subject: result.connectorId,
    detail: `${result.reason}${result.detail ? `: ${result.detail}` : ""}`,
    ip: clientIp(c),
  });
  const message = VERIFICATION_MESSAGES[result.reason];
  c.status(400);
  return c.render(
    <>
      <PageHeader title="Verification did not finish" />
      <Flash kind="error">
        <strong>{message.title}.</strong> {message.text}
        {result.reason === "wrong_organizer" && result.detail && <> (GoTo says you are {result.detail}.)</>}
        {result.reason === "code_refused" && result.detail && <> (GoTo's answer: {result.detail}.)</>}
      </Flash>
      <p>
        {result.connectorId ? (
          <a class="button primary" href={`/admin/connectors/${result.connectorId}`}>
            Back to the connector
          </a>
        ) : (
          <a class="button primary" href="/admin/connectors">
            Back to Connectors
          </a>
        )}
      </p>
    </>,
    { title: "Verification did not finish" },
  );
});

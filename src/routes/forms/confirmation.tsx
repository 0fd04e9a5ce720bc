import { type Context, Hono } from "hono";
import { DEFAULT_THEME } from "../../domain/forms";
import type { AppEnv } from "../../env";
import { isHtmx } from "../../lib/request";
import { formCsp } from "../../middleware/security-headers";
import { type Confirmation, confirmationCalendar, isRefusal, readConfirmation } from "../../services/confirmation";
import { ConfirmationStatus } from "../../views/pages/public/confirmation";
import { PublicDocument, PublicMessage } from "../../views/pages/public/form";

/**
 * A visitor's own registration after a form post: the join link GoTo gave, polled by the
 * thank-you page, as a page that works without JavaScript, and as a calendar file. The sealed
 * token in the path is the only key: it names one registration and expires.
 */
export const confirmationRoutes = new Hono<AppEnv>();

const REFUSALS = {
  invalid: { status: 404, title: "This link does not work", message: "Check that you copied the whole link." },
  expired: {
    status: 410,
    title: "This link has expired",
    message: "Confirmation links work for 30 minutes. GoTo's confirmation email has your join link.",
  },
  gone: {
    status: 404,
    title: "This registration is no longer here",
    message: "GoTo's confirmation email has your join link.",
  },
} as const;

function headers(c: Context<AppEnv>): void {
  c.header("Content-Security-Policy", formCsp(null));
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex");
}

function refusal(c: Context<AppEnv>, kind: keyof typeof REFUSALS) {
  const r = REFUSALS[kind];
  if (isHtmx(c)) return c.html(<PublicMessage title={r.title} message={r.message} />, r.status);
  return c.html(
    <PublicDocument title={r.title} theme={DEFAULT_THEME} formId="" embed={false}>
      <PublicMessage title={r.title} message={r.message} />
    </PublicDocument>,
    r.status,
  );
}

async function read(c: Context<AppEnv>): Promise<{ token: string; confirmation: Confirmation }> {
  const token = c.req.param("token") ?? "";
  return { token, confirmation: await readConfirmation(c.env, token, Date.now()) };
}

confirmationRoutes.get("/confirm/:token", async (c) => {
  headers(c);
  const { token, confirmation } = await read(c);
  if (isRefusal(confirmation)) return refusal(c, confirmation.kind);
  const waiting = confirmation.kind === "pending" && !confirmation.late;
  const w = confirmation.webinar;
  return c.html(
    <PublicDocument
      title={`Your registration: ${w.subject}`}
      webinar={{ subject: w.subject, startsAt: w.startsAt, endsAt: w.endsAt, timeZone: w.timeZone }}
      theme={DEFAULT_THEME}
      formId=""
      embed={c.req.header("sec-fetch-dest") === "iframe"}
      noScriptRefresh={waiting ? 1 : undefined}
    >
      <ConfirmationStatus token={token} confirmation={confirmation} />
    </PublicDocument>,
  );
});

confirmationRoutes.get("/confirm/:token/status", async (c) => {
  headers(c);
  const { token, confirmation } = await read(c);
  if (isRefusal(confirmation)) return refusal(c, confirmation.kind);
  return c.html(<ConfirmationStatus token={token} confirmation={confirmation} />);
});

confirmationRoutes.get("/confirm/:token/calendar.ics", async (c) => {
  headers(c);
  const { confirmation } = await read(c);
  if (isRefusal(confirmation)) return refusal(c, confirmation.kind);
  if (confirmation.kind === "refused" || confirmation.kind === "inactive") {
    return c.text("This registration is not active, so there is nothing to add to a calendar.", 409);
  }
  const file = confirmationCalendar(
    { ...confirmation, joinUrl: confirmation.kind === "joined" ? confirmation.joinUrl : null },
    new URL(c.req.url).hostname,
    new Date(),
  );
  c.header("Content-Type", "text/calendar; charset=utf-8");
  c.header("Content-Disposition", 'attachment; filename="webinar.ics"');
  return c.body(file);
});

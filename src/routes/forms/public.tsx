import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Child } from "hono/jsx";
import * as v from "valibot";
import { createDb } from "../../db/client";
import { cachedForm, cachedHandler, type StoredForm } from "../../db/queries/forms";
import { cachedWebinarHeading } from "../../db/queries/webinars";
import {
  cleanReferrer,
  DEFAULT_THEME,
  handlerFields,
  pickUtm,
  registerAction,
  ThemeSchema,
  usableRedirect,
} from "../../domain/forms";
import type { AppEnv } from "../../env";
import { clientIp, isHtmx } from "../../lib/request";
import { formCsp } from "../../middleware/security-headers";
import { confirmationToken } from "../../services/confirmation";
import { processSubmission, type SubmissionOutcome } from "../../services/submission";
import { confirmationPaths } from "../../views/pages/public/confirmation";
import { embedScript } from "../../views/pages/public/embed";
import {
  type FormState,
  HONEYPOT_FIELD,
  PublicDocument,
  PublicForm,
  type PublicFormModel,
  PublicMessage,
  ThankYou,
} from "../../views/pages/public/form";

/** Forms are small: 64 KB is far beyond any honest submission and stops huge bodies before parsing. */
const MAX_BODY = 64 * 1024;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The public side of forms, mounted before the browser area: no session, no CSRF (posts
 * come from anywhere by design), and a CSP of its own that lets customer sites frame the form.
 */
export const publicFormRoutes = new Hono<AppEnv>();

function model(form: StoredForm): PublicFormModel {
  return {
    id: form.id,
    fields: form.fields,
    theme: form.theme,
    submitLabel: registerAction(form.actions) ? "Register" : "Submit",
  };
}

/**
 * The page or, for htmx, the fragment; always with the form's CSP. The page is titled by the
 * webinar it registers for (the form's own name is the marketer's, not the visitor's).
 */
async function respond(
  c: Context<AppEnv>,
  form: StoredForm,
  content: Child,
  status: 200 | 400 | 404 | 413 | 415 | 422 | 429,
) {
  c.header("Content-Security-Policy", formCsp(form.redirectUrl));
  c.header("Cache-Control", "no-store");
  // biome-ignore lint/complexity/noUselessFragments: the fragment turns a Child into the HTML string c.html takes
  if (isHtmx(c)) return c.html(<>{content}</>, status);
  const embed = c.req.query("embed") === "1" || c.req.header("sec-fetch-dest") === "iframe";
  const register = registerAction(form.actions);
  const webinar = register ? await cachedWebinarHeading(createDb(c.env.DB), register.webinarId, Date.now()) : null;
  return c.html(
    <PublicDocument
      title={webinar?.subject ?? "Registration"}
      webinar={embed ? null : webinar}
      theme={form.theme}
      formId={form.id}
      embed={embed}
    >
      {content}
    </PublicDocument>,
    status,
  );
}

async function liveForm(c: Context<AppEnv>): Promise<StoredForm | null> {
  const id = c.req.param("formId") ?? "";
  if (!ID.test(id)) return null;
  const form = await cachedForm(createDb(c.env.DB), id, Date.now());
  return form && form.status === "live" ? form : null;
}

function notFound(c: Context<AppEnv>) {
  c.header("Content-Security-Policy", formCsp(null));
  return c.html(
    <PublicDocument title="Form not found" theme={DEFAULT_THEME} formId="" embed={false}>
      <PublicMessage
        title="This form is not available"
        message="The form may have been unpublished. Check the link you followed."
      />
    </PublicDocument>,
    404,
  );
}

/** A form's colours as CSS custom properties: a served stylesheet, since the CSP allows no inline style. */
publicFormRoutes.get("/f/theme.css", (c) => {
  const parsed = v.safeParse(ThemeSchema, {
    accent: c.req.query("accent"),
    background: c.req.query("background"),
    text: c.req.query("text"),
  });
  const t = parsed.success ? parsed.output : DEFAULT_THEME;
  c.header("Content-Type", "text/css; charset=utf-8");
  c.header("Cache-Control", "public, max-age=86400");
  return c.body(
    `.rc-page, .rc-preview { --rc-accent: ${t.accent}; --rc-bg: ${t.background}; --rc-text: ${t.text}; }\n`,
  );
});

publicFormRoutes.get("/f/:formId/embed.js", async (c) => {
  const form = await liveForm(c);
  c.header("Content-Type", "text/javascript; charset=utf-8");
  c.header("Cache-Control", "public, max-age=300");
  c.header("Cross-Origin-Resource-Policy", "cross-origin");
  if (!form) return c.body(`console.error("Rollcall: this form is not available.");\n`, 404);
  return c.body(embedScript(new URL(c.req.url).origin, form.id));
});

publicFormRoutes.get("/f/:formId", async (c) => {
  const form = await liveForm(c);
  if (!form) return notFound(c);
  const query = c.req.query();
  const state: FormState = {
    values: {},
    errors: {},
    utm: pickUtm(query),
    referrer: cleanReferrer(query.ref) ?? cleanReferrer(c.req.header("referer")),
  };
  return respond(c, form, <PublicForm form={model(form)} state={state} />, 200);
});

/** The string fields of a form post; null when the body cannot be read as a form. */
async function readForm(c: Context): Promise<Record<string, string> | "unsupported" | null> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data"))
    return "unsupported";
  try {
    const body = await c.req.parseBody();
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(body)) if (typeof val === "string") out[k] = val;
    return out;
  } catch {
    return null;
  }
}

const tooLarge = bodyLimit({
  maxSize: MAX_BODY,
  onError: (c) =>
    c.text("This submission is too large: forms accept at most 64 KB. Shorten the long fields and send it again.", 413),
});

publicFormRoutes.post("/f/:formId", tooLarge, async (c) => {
  const form = await liveForm(c);
  if (!form) return notFound(c);
  const formModel = model(form);
  const body = await readForm(c);
  const empty = { values: {}, utm: {}, referrer: null };
  if (body === "unsupported" || body === null) {
    const message =
      body === null
        ? "We could not read this submission. Send it again from the form."
        : "Send the form as a normal form post (application/x-www-form-urlencoded or multipart/form-data).";
    return respond(
      c,
      form,
      <PublicForm form={formModel} state={{ ...empty, errors: { _form: message } }} />,
      body === null ? 400 : 415,
    );
  }
  const utm = pickUtm(body);
  const referrer = cleanReferrer(body.referrer) ?? cleanReferrer(c.req.header("referer"));
  if (body[HONEYPOT_FIELD]) return respond(c, form, <ThankYou message={form.thankYouMessage} />, 200);

  const outcome = await processSubmission(
    c.env,
    { formId: form.id, handlerId: null, fields: form.fields, actions: form.actions },
    body,
    { ip: clientIp(c), utm, referrer, now: new Date() },
  );
  if (outcome.kind === "rate_limited") {
    const errors = {
      _form: "Too many submissions from your network in the last minute. Wait a minute and send the form again.",
    };
    return respond(c, form, <PublicForm form={formModel} state={{ values: body, errors, utm, referrer }} />, 429);
  }
  if (outcome.kind === "invalid") {
    return respond(
      c,
      form,
      <PublicForm form={formModel} state={{ values: body, errors: outcome.errors, utm, referrer }} />,
      422,
    );
  }
  // The submission is stored: a redirect that no longer checks out (saved before the check) falls
  // back to the thank-you, so the visitor never sees an error and never sends it again.
  const token = await confirmationFor(c, outcome);
  const stored = usableRedirect(form.redirectUrl);
  if (stored) {
    const redirect = token ? withQuery(stored, confirmationParam(c, token)) : stored;
    if (!isHtmx(c)) return c.redirect(redirect, 303);
    return respond(c, form, <ThankYou message={form.thankYouMessage} redirectUrl={redirect} />, 200);
  }
  // A filtered visitor goes to GoTo with nothing, so gets the plain thank-you: the form's own
  // message may promise GoTo's email.
  const message = outcome.kind === "filtered" ? null : form.thankYouMessage;
  return respond(c, form, <ThankYou message={message} confirmation={token} />, 200);
});

/**
 * The visitor's confirmation token when the submission made a registration: a filtered visitor
 * (nothing runs for them) gets none, so they are never shown a link or promised an email.
 */
async function confirmationFor(c: Context<AppEnv>, outcome: SubmissionOutcome): Promise<string | null> {
  if (outcome.kind !== "accepted" || !outcome.registrationId) return null;
  return confirmationToken(c.env, outcome.registrationId, Date.now());
}

/** The parameter a customer's success page gets: the address of the visitor's confirmation page. */
function confirmationParam(c: Context<AppEnv>, token: string): Record<string, string> {
  return { rollcall_confirmation: new URL(confirmationPaths(token).page, c.req.url).href };
}

// ---- form handlers ---------------------------------------------------------------------------

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, val] of Object.entries(params)) u.searchParams.set(k, val);
  return u.href;
}

/**
 * A handler's answer: a redirect to its URL, or, when the stored URL no longer checks out (saved
 * before the check), the same message as a page of our own, so a recorded submission never ends in a 500.
 */
function handlerAnswer(
  c: Context<AppEnv>,
  stored: string,
  params: Record<string, string>,
  fallback: { status: 200 | 400 | 422 | 429; title: string; message: string },
) {
  const url = usableRedirect(stored);
  if (url) return c.redirect(withQuery(url, params), 303);
  c.header("Content-Security-Policy", formCsp(null));
  c.header("Cache-Control", "no-store");
  return c.html(
    <PublicDocument title={fallback.title} theme={DEFAULT_THEME} formId="" embed={false}>
      {fallback.status === 200 ? (
        <ThankYou message={fallback.message} />
      ) : (
        <PublicMessage title={fallback.title} message={fallback.message} />
      )}
    </PublicDocument>,
    fallback.status,
  );
}

function requestOrigin(c: Context): string | null {
  const origin = c.req.header("origin");
  if (origin && origin !== "null") return origin;
  try {
    return new URL(c.req.header("referer") ?? "").origin;
  } catch {
    return null;
  }
}

publicFormRoutes.post("/fh/:handlerId", tooLarge, async (c) => {
  const id = c.req.param("handlerId");
  const handler = ID.test(id) ? await cachedHandler(createDb(c.env.DB), id, Date.now()) : null;
  if (!handler) return c.text("There is no such form handler. Check the form's action URL.", 404);
  const origin = requestOrigin(c);
  if (handler.allowedOrigins.length > 0 && (!origin || !handler.allowedOrigins.includes(origin))) {
    return c.text(
      `This form handler does not accept posts from ${origin ?? "an unknown origin"}. Add the origin to its allowed origins.`,
      403,
    );
  }
  const thanks = { status: 200, title: "Thank you", message: "Thank you! We have your details." } as const;
  const raw = await readForm(c);
  if (raw === "unsupported" || raw === null) {
    const error = "The form could not be read. Send it again.";
    return handlerAnswer(c, handler.errorUrl, { error }, { status: 400, title: "Not sent", message: error });
  }
  if (raw[HONEYPOT_FIELD]) return handlerAnswer(c, handler.successUrl, {}, thanks);
  const body: Record<string, string> = {};
  for (const [theirs, ours] of Object.entries(handler.fieldMap))
    if (raw[theirs] !== undefined) body[ours] = raw[theirs];
  const utm = pickUtm(raw);
  const referrer = cleanReferrer(c.req.header("referer"));
  const outcome = await processSubmission(
    c.env,
    { formId: null, handlerId: handler.id, fields: handlerFields(handler), actions: handler.actions },
    body,
    { ip: clientIp(c), utm, referrer, now: new Date() },
  );
  if (outcome.kind === "invalid") {
    const theirName = (key: string) => Object.entries(handler.fieldMap).find(([, ours]) => ours === key)?.[0] ?? key;
    const error = Object.values(outcome.errors).join(" ");
    const params: Record<string, string> = { error };
    for (const [key, message] of Object.entries(outcome.errors)) params[`error_${theirName(key)}`] = message;
    return handlerAnswer(c, handler.errorUrl, params, { status: 422, title: "Check the form", message: error });
  }
  if (outcome.kind === "rate_limited") {
    const error = "Too many submissions in the last minute. Try again in a minute.";
    return handlerAnswer(
      c,
      handler.errorUrl,
      { error },
      { status: 429, title: "Too many submissions", message: error },
    );
  }
  const token = await confirmationFor(c, outcome);
  return handlerAnswer(c, handler.successUrl, token ? confirmationParam(c, token) : {}, thanks);
});

import { raw } from "hono/html";
import type { Child, FC } from "hono/jsx";
import type { WebinarHeading } from "../../../db/queries/webinars";
import type { FormField, FormTheme } from "../../../domain/forms";
import { ConfirmationPending } from "./confirmation";

/** The honeypot: a field people never see or reach, that form-filling bots fill in. */
export const HONEYPOT_FIELD = "rc_website";

export interface PublicFormModel {
  id: string;
  fields: FormField[];
  theme: FormTheme;
  submitLabel: string;
}

export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  utm: Record<string, string>;
  referrer: string | null;
}

export function themeHref(theme: FormTheme): string {
  const q = new URLSearchParams({ accent: theme.accent, background: theme.background, text: theme.text });
  return `/f/theme.css?${q}`;
}

/** "Tuesday, December 8, 2026, 3:00 PM – 4:00 PM EST", in the webinar's time zone (UTC when GoTo gave none). */
export function webinarWhen(w: Pick<WebinarHeading, "startsAt" | "endsAt" | "timeZone">): string {
  let timeZone = w.timeZone ?? "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    timeZone = "UTC";
  }
  const day = new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "full" }).format(new Date(w.startsAt));
  const time = (iso: string, zone: boolean) =>
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hour: "numeric",
      minute: "2-digit",
      ...(zone ? { timeZoneName: "short" } : {}),
    }).format(new Date(iso));
  return `${day}, ${time(w.startsAt, false)} – ${time(w.endsAt, true)}`;
}

/** The webinar a hosted form registers for: its title, date and time zone. */
const WebinarHeader: FC<{ webinar: WebinarHeading }> = ({ webinar }) => (
  <header class="rc-webinar">
    <h1 dir="auto">{webinar.subject}</h1>
    <p>
      <time datetime={webinar.startsAt}>{webinarWhen(webinar)}</time>
    </p>
    {webinar.timeZone && <p class="rc-zone">Times in {webinar.timeZone}</p>}
  </header>
);

/** The page around a hosted or embedded form: its own small stylesheet, htmx, and the frame script. */
export const PublicDocument: FC<{
  title: string;
  webinar?: WebinarHeading | null;
  theme: FormTheme;
  formId: string;
  embed: boolean;
  /** Reload the page after this many seconds when JavaScript is off (with it, htmx polls instead). */
  noScriptRefresh?: number;
  children: Child;
}> = (p) => (
  <>
    {raw("<!DOCTYPE html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{p.title}</title>
        {p.noScriptRefresh !== undefined && (
          <noscript>
            <meta http-equiv="refresh" content={String(p.noScriptRefresh)} />
          </noscript>
        )}
        <link rel="icon" href="/img/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/css/forms.css" />
        <link rel="stylesheet" href={themeHref(p.theme)} />
        <script src="/vendor/htmx.min.js" defer />
        <script src="/js/form-frame.js" defer />
      </head>
      <body class={p.embed ? "rc-page rc-embedded" : "rc-page"} data-form-id={p.formId}>
        <main class="rc-card">
          {p.webinar && <WebinarHeader webinar={p.webinar} />}
          {p.children}
        </main>
      </body>
    </html>
  </>
);

const Input: FC<{ field: FormField; value: string; error: string | undefined; preview: boolean }> = ({
  field,
  value,
  error,
  preview,
}) => {
  const id = `rc-${field.key}`;
  const errorId = `${id}-error`;
  const described = error ? errorId : undefined;
  const common = {
    id,
    name: field.key,
    required: field.required,
    disabled: preview,
    "aria-invalid": error ? ("true" as const) : undefined,
    "aria-describedby": described,
  };
  if (field.type === "hidden") return <input type="hidden" name={field.key} value={value} disabled={preview} />;
  if (field.type === "checkbox") {
    return (
      <div class={error ? "rc-field rc-check has-error" : "rc-field rc-check"}>
        <input type="checkbox" value="yes" checked={value === "yes"} {...common} />
        <label for={id}>
          {field.label}
          {field.required && <span class="rc-req"> (required)</span>}
        </label>
        {error && (
          <small class="rc-error" id={errorId}>
            {error}
          </small>
        )}
      </div>
    );
  }
  return (
    <div class={error ? "rc-field has-error" : "rc-field"}>
      <label for={id}>
        {field.label}
        {field.required && <span class="rc-req"> (required)</span>}
      </label>
      {field.type === "select" ? (
        <select {...common}>
          <option value="">Choose…</option>
          {field.options.map((o) => (
            <option value={o} selected={o === value}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          type={field.type === "email" ? "email" : "text"}
          value={value}
          maxlength={field.key === "email" ? 254 : 500}
          autocomplete={AUTOCOMPLETE[field.key]}
          {...common}
        />
      )}
      {error && (
        <small class="rc-error" id={errorId}>
          {error}
        </small>
      )}
    </div>
  );
};

const AUTOCOMPLETE: Record<string, string> = {
  email: "email",
  firstName: "given-name",
  lastName: "family-name",
  company: "organization",
  jobTitle: "organization-title",
  phone: "tel",
  country: "country-name",
};

/**
 * The form itself. Without JavaScript it is a plain POST; with htmx the answer (the same form with
 * its errors, status 422, or the thank-you) replaces it in place.
 */
export const PublicForm: FC<{ form: PublicFormModel; state: FormState; preview?: boolean }> = ({
  form,
  state,
  preview = false,
}) => {
  const errorCount = Object.keys(state.errors).length;
  return (
    <form
      id="rc-form"
      class="rc-form"
      method="post"
      action={`/f/${form.id}`}
      novalidate
      {...(preview ? {} : { "hx-post": `/f/${form.id}`, "hx-target": "this", "hx-swap": "outerHTML" })}
    >
      {errorCount > 0 && (
        <div class="rc-alert" role="alert">
          {state.errors._form ??
            `Please fix ${errorCount === 1 ? "the field" : `the ${errorCount} fields`} marked below.`}
        </div>
      )}
      {form.fields.map((field) => (
        <Input
          field={field}
          value={state.values[field.key] ?? field.defaultValue}
          error={state.errors[field.key]}
          preview={preview}
        />
      ))}
      {Object.entries(state.utm).map(([k, val]) => (
        <input type="hidden" name={k} value={val} />
      ))}
      {state.referrer && <input type="hidden" name="referrer" value={state.referrer} />}
      <div class="rc-hp" aria-hidden="true">
        <label for="rc-hp">Leave this field empty</label>
        <input id="rc-hp" type="text" name={HONEYPOT_FIELD} tabindex={-1} autocomplete="off" value="" />
      </div>
      <button type="submit" class="rc-submit" disabled={preview}>
        {form.submitLabel}
      </button>
    </form>
  );
};

/** The thank-you; with a confirmation token (a registration went to GoTo) it waits for the visitor's join link. */
export const ThankYou: FC<{ message: string | null; redirectUrl?: string | null; confirmation?: string | null }> = ({
  message,
  redirectUrl,
  confirmation,
}) => (
  <div class="rc-thanks" role="status" data-redirect-url={redirectUrl ?? undefined}>
    <p>{message || "Thank you! We have your details."}</p>
    {confirmation && !redirectUrl && <ConfirmationPending token={confirmation} />}
    {redirectUrl && (
      <p>
        <a href={redirectUrl} target="_top">
          Continue
        </a>
      </p>
    )}
  </div>
);

export const PublicMessage: FC<{ title: string; message: string }> = (p) => (
  <div class="rc-thanks" role="alert">
    <h1>{p.title}</h1>
    <p>{p.message}</p>
  </div>
);

import * as v from "valibot";
import { cleanText } from "../domain/text";

/** Turns valibot issues into one message per form field (the first issue of each wins). */
export function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const key = v.getDotPath(issue) ?? "_form";
    if (!(key in errors)) errors[key] = issue.message;
  }
  return errors;
}

export const EmailField = v.pipe(
  v.string("Enter an email address."),
  v.transform(cleanText),
  v.trim(),
  v.toLowerCase(),
  v.nonEmpty("Enter an email address."),
  v.maxLength(254, "Use an email address of at most 254 characters."),
  v.email("Enter a valid email address, like name@example.com."),
);

export const PasswordField = v.pipe(
  v.string("Enter a password."),
  v.minLength(12, "Use a password of at least 12 characters."),
  v.maxLength(200, "Use a password of at most 200 characters."),
);

/** A name as typed, without bidi controls or zero-width spaces, trimmed and required. */
export const NameField = (what: string, max = 100) =>
  v.pipe(
    v.string(`Enter ${what}.`),
    v.transform(cleanText),
    v.trim(),
    v.nonEmpty(`Enter ${what}.`),
    v.maxLength(max, `Use at most ${max} characters for ${what}.`),
  );

/** `format=csv` on an admin list: the whole list as a download instead of the page. */
export const ExportFormatParam = v.optional(
  v.picklist(["csv"], "That export link is broken: format can only be csv. Use Export CSV on the page."),
);

export function isCalendarDay(s: string): boolean {
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().startsWith(s);
}

/** A day of a date filter, `YYYY-MM-DD` (a real calendar day), or empty for none. */
export const DayParam = (what: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.check(
        (s) => s === "" || (/^\d{4}-\d{2}-\d{2}$/.test(s) && isCalendarDay(s)),
        `Give the ${what} date as YYYY-MM-DD, e.g. 2026-12-01.`,
      ),
    ),
    "",
  );

/** The instant a day starts (UTC), and the start of the day after it: a `[from, to)` range of whole days. */
export function dayStart(day: string): string {
  return `${day}T00:00:00.000Z`;
}

export function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
}

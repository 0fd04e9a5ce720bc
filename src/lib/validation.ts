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

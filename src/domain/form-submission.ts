import * as v from "valibot";
import type { GoToNewRegistrant, GoToQuestionResponse } from "../gotowebinar/client";
import { GOTO_REGISTRANT_FIELDS } from "../gotowebinar/constants";
import {
  type FormField,
  isProspectField,
  type ProspectFieldKey,
  type RegisterAction,
  sourceForGoToField,
} from "./forms";
import { cleanText } from "./text";

/**
 * A visitor's submission, validated against the form's own fields with valibot: one message per
 * field saying what to fix, the values normalized, and what goes to the prospect and to GoTo.
 */

export const MAX_TEXT = 500;
/** Characters a person never types: C0 controls (except tab/newline), DEL, and U+FFFD, which is what a broken encoding decodes to. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNREADABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

function need(field: FormField, message: string) {
  return v.check((s: string) => !field.required || s !== "", message);
}

function textSchema(field: FormField, maxSize: number): v.GenericSchema<unknown, string> {
  const label = field.label;
  const base = v.pipe(
    v.string(`${label}: send text.`),
    v.check((s) => !UNREADABLE.test(s), `${label} contains characters we can't read: type it again.`),
    v.transform(cleanText),
    v.trim(),
    v.maxLength(maxSize, `${label}: use at most ${maxSize} characters.`),
  );
  if (field.type === "email") {
    return v.pipe(
      base,
      v.toLowerCase(),
      need(field, `Enter your ${label.toLowerCase()}.`),
      v.check(
        (s) => s === "" || v.is(v.pipe(v.string(), v.email()), s),
        `${label}: enter a valid email address, like name@example.com.`,
      ),
    ) as v.GenericSchema<unknown, string>;
  }
  if (field.type === "select") {
    return v.pipe(
      base,
      need(field, `Pick a ${label.toLowerCase()}.`),
      v.check((s) => s === "" || field.options.includes(s), `${label}: pick one of the choices.`),
    ) as v.GenericSchema<unknown, string>;
  }
  if (field.type === "checkbox") {
    return v.pipe(
      v.optional(v.string(), ""),
      v.check((s) => ["", "on", "yes", "true", "1"].includes(s), `${label}: tick the box or leave it empty.`),
      v.transform((s): string => (s === "" ? "" : "yes")),
      need(field, `Tick “${label}” to continue.`),
    ) as v.GenericSchema<unknown, string>;
  }
  return v.pipe(base, need(field, `Enter your ${label.toLowerCase()}.`)) as v.GenericSchema<unknown, string>;
}

/** GoTo's limit for what a field feeds, if it is tighter than ours. */
function maxSizeFor(field: FormField, action: RegisterAction | null): number {
  let max = field.key === "email" ? 254 : MAX_TEXT;
  if (!action?.goto) return max;
  for (const q of action.goto.questions) {
    if (action.mapping[q.questionKey] === field.key && q.maxSize) max = Math.min(max, q.maxSize);
  }
  return max;
}

export type SubmissionValues = Record<string, string>;

export interface ValidSubmission {
  ok: true;
  values: SubmissionValues;
  email: string;
}
export interface InvalidSubmission {
  ok: false;
  /** Field key → what to fix; `_form` for the submission as a whole. */
  errors: Record<string, string>;
}

/** Validates a body against the form's fields: missing fields are empty strings, unknown ones ignored. */
export function validateSubmission(
  fields: readonly FormField[],
  body: Record<string, unknown>,
  action: RegisterAction | null,
): ValidSubmission | InvalidSubmission {
  const entries: Record<string, v.GenericSchema<unknown, string>> = {};
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    entries[field.key] = textSchema(field, maxSizeFor(field, action));
    const raw = body[field.key];
    input[field.key] =
      raw === undefined && field.type !== "checkbox" ? (field.type === "hidden" ? field.defaultValue : "") : raw;
  }
  const parsed = v.safeParse(v.object(entries), input);
  const errors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const key = v.getDotPath(issue) ?? "_form";
      if (!(key in errors)) errors[key] = issue.message;
    }
  }
  const values = parsed.success ? (parsed.output as SubmissionValues) : {};
  if (parsed.success && action?.goto) {
    for (const q of action.goto.questions) {
      const key = action.mapping[q.questionKey];
      const val = key ? values[key] : undefined;
      if (
        q.type === "multipleChoice" &&
        key &&
        val &&
        !q.answers.some((a) => a.answer.toLowerCase() === val.toLowerCase())
      ) {
        errors[key] =
          `${fields.find((f) => f.key === key)?.label ?? key}: pick one of ${q.answers.map((a) => a.answer).join(", ")}.`;
      }
    }
  }
  const email = values.email ?? "";
  if (parsed.success && !email && !errors.email) errors.email = "Enter your email address.";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, values, email };
}

export interface ProspectUpdate {
  fields: Partial<Record<ProspectFieldKey, string>>;
  custom: Record<string, string>;
}

/** What a submission writes to the prospect: non-empty prospect fields and custom fields. */
export function prospectUpdate(fields: readonly FormField[], values: SubmissionValues): ProspectUpdate {
  const out: ProspectUpdate = { fields: {}, custom: {} };
  for (const f of fields) {
    const val = values[f.key];
    if (!val) continue;
    if (isProspectField(f.key)) out.fields[f.key] = val;
    else out.custom[f.key.slice("custom_".length)] = val;
  }
  return out;
}

/** GoTo's create-registrant body: the three names, every field GoTo accepts that the form fills, and the answers. */
export function goToRegistrant(
  fields: readonly FormField[],
  values: SubmissionValues,
  action: RegisterAction,
): GoToNewRegistrant {
  const registrant: GoToNewRegistrant = {
    email: values.email ?? "",
    firstName: values.firstName ?? "",
    lastName: values.lastName ?? "",
  };
  for (const name of GOTO_REGISTRANT_FIELDS) {
    const source = sourceForGoToField(action, fields, name);
    const val = source ? values[source] : undefined;
    if (val) registrant[name] = val;
  }
  const responses: GoToQuestionResponse[] = [];
  for (const q of action.goto?.questions ?? []) {
    const key = action.mapping[q.questionKey];
    const val = key ? values[key] : undefined;
    if (!val) continue;
    if (q.type === "multipleChoice") {
      const answer = q.answers.find((a) => a.answer.toLowerCase() === val.toLowerCase());
      if (answer) responses.push({ questionKey: q.questionKey, answerKey: answer.answerKey });
    } else {
      responses.push({ questionKey: q.questionKey, responseText: val });
    }
  }
  if (responses.length > 0) registrant.responses = responses;
  return registrant;
}

/** How far apart two identical submissions are still one: a double click, a reload, a retry. */
export const DOUBLE_SUBMIT_WINDOW_MS = 10 * 60_000;

/** Dedupe key of a submission: a hash of form, email and content (the time is compared separately). */
export async function submissionDedupeKey(
  source: string,
  email: string,
  values: Record<string, string>,
): Promise<string> {
  const canonical = JSON.stringify([source, email, Object.entries(values).sort(([a], [b]) => a.localeCompare(b))]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

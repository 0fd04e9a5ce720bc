import * as v from "valibot";
import { cleanText } from "./text";

/**
 * Forms as data: the fields a marketer builds, the completion actions, the look, and
 * the rules that decide whether a form may be saved and may go live. Pure, so they are tested
 * without the runtime; the stored JSON is re-validated with these schemas whenever it is read.
 */

/** Prospect fields a form can fill, with the GoTo registrant field each one is sent as. */
export const PROSPECT_FIELDS = {
  email: { label: "Email", type: "email", goto: "email" },
  firstName: { label: "First name", type: "text", goto: "firstName" },
  lastName: { label: "Last name", type: "text", goto: "lastName" },
  company: { label: "Company", type: "text", goto: "organization" },
  jobTitle: { label: "Job title", type: "text", goto: "jobTitle" },
  phone: { label: "Phone", type: "text", goto: "phone" },
  country: { label: "Country", type: "text", goto: "country" },
} as const;
export type ProspectFieldKey = keyof typeof PROSPECT_FIELDS;
export const PROSPECT_FIELD_KEYS = Object.keys(PROSPECT_FIELDS) as ProspectFieldKey[];
export const REGISTRATION_REQUIRED: readonly ProspectFieldKey[] = ["email", "firstName", "lastName"];

export const FIELD_TYPES = ["text", "email", "select", "checkbox", "hidden"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export function isProspectField(key: string): key is ProspectFieldKey {
  return Object.hasOwn(PROSPECT_FIELDS, key);
}

/** Custom fields are named `custom_<slug>`, so they can never collide with a prospect field. */
const FieldKey = v.pipe(
  v.string(),
  v.check(
    (k) => isProspectField(k) || /^custom_[a-z0-9_]{1,40}$/.test(k),
    "Use a prospect field or a custom field name of letters, digits and underscores.",
  ),
);
const Label = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty("Give the field a label."),
  v.maxLength(100, "Use at most 100 characters for a label."),
);

export const FormFieldSchema = v.object({
  key: FieldKey,
  type: v.picklist(FIELD_TYPES, "Pick a field type."),
  label: Label,
  required: v.boolean(),
  defaultValue: v.pipe(v.string(), v.maxLength(500, "Use at most 500 characters for a default.")),
  /** Choices of a select field. */
  options: v.pipe(v.array(v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(100))), v.maxLength(50)),
});
export type FormField = v.InferOutput<typeof FormFieldSchema>;

const Id = v.pipe(v.string(), v.trim(), v.nonEmpty("Pick one."), v.maxLength(64));

export const GoToQuestionSchema = v.object({
  questionKey: v.string(),
  question: v.string(),
  required: v.boolean(),
  type: v.picklist(["shortAnswer", "multipleChoice"]),
  maxSize: v.nullish(v.number()),
  answers: v.array(v.object({ answerKey: v.string(), answer: v.string() })),
});
export const GoToFieldSchema = v.object({
  field: v.string(),
  required: v.boolean(),
  answers: v.array(v.string()),
});
export type GoToQuestion = v.InferOutput<typeof GoToQuestionSchema>;
export type GoToFieldSpec = v.InferOutput<typeof GoToFieldSchema>;

/** The webinar's own registration form as read from GoTo (R5), cached with the action. */
export const GoToFormSchema = v.object({
  fetchedAt: v.string(),
  fields: v.array(GoToFieldSchema),
  questions: v.array(GoToQuestionSchema),
});
export type GoToForm = v.InferOutput<typeof GoToFormSchema>;

export const ActionSchema = v.variant("type", [
  v.object({
    type: v.literal("register_webinar"),
    webinarId: Id,
    /** GoTo question key or GoTo field name → form field key. */
    mapping: v.record(v.string(), v.string()),
    goto: v.nullish(GoToFormSchema),
  }),
  v.object({ type: v.literal("add_to_list"), listId: Id }),
  v.object({
    type: v.literal("add_tag"),
    tag: v.pipe(
      v.string(),
      v.trim(),
      v.nonEmpty("Enter a tag."),
      v.maxLength(50, "Use at most 50 characters for a tag."),
    ),
  }),
  v.object({
    type: v.literal("adjust_score"),
    points: v.pipe(v.number(), v.integer("Use a whole number of points."), v.minValue(-1000), v.maxValue(1000)),
  }),
  v.object({ type: v.literal("assign_campaign"), campaignId: Id }),
]);
export type FormAction = v.InferOutput<typeof ActionSchema>;
export type RegisterAction = Extract<FormAction, { type: "register_webinar" }>;

const Colour = v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, "Use a colour like #1a73e8."));
export const ThemeSchema = v.object({
  accent: v.optional(Colour, "#2457d6"),
  background: v.optional(Colour, "#ffffff"),
  text: v.optional(Colour, "#1d2330"),
});
export type FormTheme = v.InferOutput<typeof ThemeSchema>;

export const DEFAULT_THEME: FormTheme = { accent: "#2457d6", background: "#ffffff", text: "#1d2330" };

export interface FormDefinition {
  fields: FormField[];
  actions: FormAction[];
  theme: FormTheme;
}

/** Reads stored JSON leniently: anything that no longer validates is dropped, never thrown. */
export function parseStored<T>(schema: v.GenericSchema<unknown, T>, json: string, fallback: T): T {
  try {
    const out = v.safeParse(schema, JSON.parse(json));
    return out.success ? out.output : fallback;
  } catch {
    return fallback;
  }
}

export function registerAction(actions: readonly FormAction[]): RegisterAction | null {
  return (actions.find((a) => a.type === "register_webinar") as RegisterAction | undefined) ?? null;
}

/**
 * Problems that stop a form from being saved at all: duplicate fields, a select without choices,
 * and a Register for webinar action without required email, first name and last name fields.
 */
export function saveProblems(def: FormDefinition): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const f of def.fields) {
    if (seen.has(f.key)) problems.push(`The field “${f.label}” (${f.key}) is on the form twice.`);
    seen.add(f.key);
    if (f.type === "select" && f.options.length === 0) problems.push(`The select field “${f.label}” needs choices.`);
    if (f.key === "email" && f.type !== "email" && f.type !== "hidden")
      problems.push("The email field must be of type email.");
  }
  if (!def.fields.some((f) => f.key === "email"))
    problems.push("A form needs an email field: prospects are found by email.");
  for (const key of missingRegistrationFields(def)) {
    problems.push(
      `Register for webinar needs ${PROSPECT_FIELDS[key].label.toLowerCase()} as a required field: GoTo refuses a registration without it.`,
    );
  }
  return problems;
}

/** The fields GoTo needs that a form with Register for webinar lacks, or has but not as a required visible field. */
export function missingRegistrationFields(def: FormDefinition): (typeof REGISTRATION_REQUIRED)[number][] {
  if (!registerAction(def.actions)) return [];
  return REGISTRATION_REQUIRED.filter((key) => {
    const field = def.fields.find((f) => f.key === key);
    return !field?.required || field.type === "hidden" || field.type === "checkbox";
  });
}

/** The form's fields with those GoTo needs put back, required and visible: one step for the marketer. */
export function withRegistrationFields(def: FormDefinition): FormField[] {
  const missing = missingRegistrationFields(def);
  const fields = def.fields.map((f) =>
    (missing as string[]).includes(f.key)
      ? { ...f, required: true, type: f.type === "hidden" || f.type === "checkbox" ? defaultType(f.key) : f.type }
      : f,
  );
  for (const key of missing) {
    if (!fields.some((f) => f.key === key)) {
      fields.push({
        key,
        type: defaultType(key),
        label: PROSPECT_FIELDS[key].label,
        required: true,
        defaultValue: "",
        options: [],
      });
    }
  }
  return fields;
}

function defaultType(key: string): FormField["type"] {
  return key === "email" ? "email" : "text";
}

/** The form field a GoTo field is filled from: the marketer's mapping, else the matching prospect field. */
export function sourceForGoToField(
  action: RegisterAction,
  fields: readonly FormField[],
  gotoField: string,
): string | null {
  const mapped = action.mapping[gotoField];
  if (mapped && fields.some((f) => f.key === mapped)) return mapped;
  const prospect = PROSPECT_FIELD_KEYS.find((k) => PROSPECT_FIELDS[k].goto === gotoField);
  return prospect && fields.some((f) => f.key === prospect) ? prospect : null;
}

/**
 * Problems that stop a form from going live: a required GoTo field or question that no form
 * field fills. The form can be saved as a draft with them; it cannot be published.
 */
export function liveProblems(def: FormDefinition): string[] {
  const action = registerAction(def.actions);
  if (!action) return [];
  if (!action.goto) return ["GoTo's registration questions for the webinar have not been read yet: refresh them."];
  const problems: string[] = [];
  for (const f of action.goto.fields) {
    if (f.required && !sourceForGoToField(action, def.fields, f.field)) {
      problems.push(`GoTo requires the field “${f.field}”: map a form field to it.`);
    }
  }
  for (const q of action.goto.questions) {
    const mapped = action.mapping[q.questionKey];
    if (q.required && !(mapped && def.fields.some((f) => f.key === mapped))) {
      problems.push(`GoTo requires an answer to “${q.question}”: map a form field to it.`);
    }
  }
  return problems;
}

export const UTM_KEYS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;

/** The UTM parameters worth keeping, each trimmed and bounded. */
export function pickUtm(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of UTM_KEYS) {
    const val = cleanText(source[k] ?? "").trim();
    if (val) out[k] = val.slice(0, 200);
  }
  return out;
}

/** Only http(s) URLs are kept as a referrer; anything else is dropped rather than stored. */
export function cleanReferrer(text: string | undefined | null): string | null {
  if (!text) return null;
  try {
    const url = new URL(text.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href.slice(0, 1000) : null;
  } catch {
    return null;
  }
}

/** The longest redirect address stored, after normalization. */
export const MAX_REDIRECT = 1000;

/**
 * Control characters (C0, DEL, C1). The URL parser drops tabs and line breaks without a word, so
 * they are refused before it sees the text: stored raw, a CR/LF makes every Location header fail.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export type RedirectCheck = { ok: true; href: string } | { ok: false; error: string };

/**
 * A redirect target a form or handler may send visitors to: absolute http(s), no control
 * characters, at most 1,000 characters. `href` is the parser's normal form, which is what is stored.
 */
export function checkRedirect(text: string): RedirectCheck {
  if (CONTROL.test(text)) {
    return { ok: false, error: "The address contains a line break, tab or other control character: type it again." };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: "Enter a full web address starting with https://." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, error: "Enter a full web address starting with https:// (other schemes are refused)." };
  }
  if (url.href.length > MAX_REDIRECT) {
    return { ok: false, error: `Use a web address of at most ${MAX_REDIRECT} characters.` };
  }
  return { ok: true, href: url.href };
}

/** A stored redirect that can still be used, in its normal form; null when there is none or it no longer checks out. */
export function usableRedirect(stored: string | null): string | null {
  if (!stored) return null;
  const checked = checkRedirect(stored);
  return checked.ok ? checked.href : null;
}

/** What a form handler is as data: the customer's field names mapped to ours, and its actions. */
export interface HandlerMapping {
  /** The customer's field name → our field key (a prospect field or `custom_<name>`). */
  fieldMap: Record<string, string>;
  actions: FormAction[];
}

/** The fields a handler fills, from its field map; register needs the three names required. */
export function handlerFields(handler: HandlerMapping): FormField[] {
  const register = registerAction(handler.actions) !== null;
  const keys = [...new Set(Object.values(handler.fieldMap))];
  return keys.map((key) => ({
    key,
    type: key === "email" ? "email" : "text",
    label: isProspectField(key) ? PROSPECT_FIELDS[key].label : key.slice("custom_".length).replace(/_/g, " "),
    required: key === "email" || (register && (REGISTRATION_REQUIRED as readonly string[]).includes(key)),
    defaultValue: "",
    options: [],
  }));
}

/** What stops a handler from being saved, in a handler's words (its fields come from the field map). */
export function handlerSaveProblems(handler: HandlerMapping): string[] {
  return saveProblems({ fields: handlerFields(handler), actions: handler.actions, theme: DEFAULT_THEME }).map((p) =>
    p.replace("as a required field", "mapped from one of your form's fields"),
  );
}

/** What a saved handler still lacks to register visitors (as a form's {@link liveProblems}). */
export function handlerLiveProblems(handler: HandlerMapping): string[] {
  return liveProblems({ fields: handlerFields(handler), actions: handler.actions, theme: DEFAULT_THEME });
}

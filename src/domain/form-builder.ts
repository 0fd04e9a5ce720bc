import * as v from "valibot";
import {
  ActionSchema,
  checkRedirect,
  FIELD_TYPES,
  type FormAction,
  type FormField,
  FormFieldSchema,
  type FormTheme,
  type GoToForm,
  isProspectField,
  PROSPECT_FIELDS,
  ThemeSchema,
} from "./forms";

/**
 * The builder's HTML form, read back into a form definition. Field rows are `field_<i>_<part>`;
 * the actions are one control each. Pure, so the whole builder round trip is unit-testable.
 */

export interface BuilderInput {
  name: string;
  status: "draft" | "live";
  fields: FormField[];
  actions: FormAction[];
  theme: FormTheme;
  thankYouMessage: string | null;
  redirectUrl: string | null;
}

export interface BuilderParse {
  input: BuilderInput;
  /** Control name → what to fix. */
  errors: Record<string, string>;
}

const MAX_ROWS = 40;

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
}

/** Reads the field rows, in the order the marketer gave; blank and removed rows are dropped. */
function readFields(body: Record<string, string>, errors: Record<string, string>): FormField[] {
  const rows: { order: number; index: number; field: FormField }[] = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const p = (part: string): string => body[`field_${i}_${part}`] ?? "";
    const choice = p("key").trim();
    if (!choice || p("remove") === "on") continue;
    let key = choice;
    if (choice === "custom") {
      const name = slug(p("custom"));
      if (!name) {
        errors[`field_${i}_custom`] = "Name the custom field (letters and digits).";
        continue;
      }
      key = `custom_${name}`;
    }
    const type = p("type") || (isProspectField(key) ? PROSPECT_FIELDS[key].type : "text");
    const candidate = {
      key,
      type,
      label: p("label").trim() || (isProspectField(key) ? PROSPECT_FIELDS[key].label : p("custom").trim()),
      required: p("required") === "on",
      defaultValue: p("default").trim(),
      options: p("options")
        .split(/[,\n]/)
        .map((o) => o.trim())
        .filter(Boolean),
    };
    const parsed = v.safeParse(FormFieldSchema, candidate);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const part = issue ? (v.getDotPath(issue)?.split(".")[0] ?? "key") : "key";
      errors[`field_${i}_${part === "defaultValue" ? "default" : part}`] = issue?.message ?? "Check this field.";
      continue;
    }
    const order = Number.parseInt(p("order"), 10);
    rows.push({ order: Number.isFinite(order) ? order : i + 1, index: i, field: parsed.output });
  }
  return rows.sort((a, b) => a.order - b.order || a.index - b.index).map((r) => r.field);
}

/** Reads the builder; `gotoCache` is the stored GoTo form of the webinar, kept if the webinar is unchanged. */
export function parseBuilder(body: Record<string, string>, previous: FormAction[]): BuilderParse {
  const errors: Record<string, string> = {};
  const name = (body.name ?? "").trim();
  if (!name) errors.name = "Give the form a name.";
  else if (name.length > 100) errors.name = "Use at most 100 characters for the name.";
  const fields = readFields(body, errors);

  const actions: FormAction[] = [];
  const webinarId = (body.register_webinar ?? "").trim();
  if (webinarId) {
    const before = previous.find((a) => a.type === "register_webinar");
    const goto: GoToForm | null = before && before.webinarId === webinarId ? (before.goto ?? null) : null;
    const mapping: Record<string, string> = {};
    for (const [k, val] of Object.entries(body)) {
      if (k.startsWith("map_") && val.trim()) mapping[k.slice(4)] = val.trim();
    }
    actions.push({ type: "register_webinar", webinarId, mapping, goto });
  }
  const listId = (body.add_to_list ?? "").trim();
  if (listId) actions.push({ type: "add_to_list", listId });
  const tag = (body.add_tag ?? "").trim();
  if (tag) {
    if (tag.length > 50) errors.add_tag = "Use at most 50 characters for a tag.";
    else actions.push({ type: "add_tag", tag });
  }
  const score = (body.adjust_score ?? "").trim();
  if (score) {
    const points = Number(score);
    if (!/^-?\d{1,4}$/.test(score) || Math.abs(points) > 1000)
      errors.adjust_score = "Enter whole points from -1000 to 1000.";
    else if (points !== 0) actions.push({ type: "adjust_score", points });
  }
  const campaignId = (body.assign_campaign ?? "").trim();
  if (campaignId) actions.push({ type: "assign_campaign", campaignId });
  for (const a of actions) if (!v.is(ActionSchema, a)) errors._form = "One of the completion actions is not valid.";

  const theme = v.safeParse(ThemeSchema, {
    accent: body.theme_accent || undefined,
    background: body.theme_background || undefined,
    text: body.theme_text || undefined,
  });
  if (!theme.success) errors.theme = theme.issues[0]?.message ?? "Use colours like #1a73e8.";

  const thankYou = (body.thank_you ?? "").trim();
  if (thankYou.length > 1000) errors.thank_you = "Use at most 1,000 characters for the thank-you message.";
  const redirectText = (body.redirect_url ?? "").trim();
  const redirect = redirectText ? checkRedirect(redirectText) : null;
  if (redirect && !redirect.ok) {
    errors.redirect_url = `${redirect.error} Or leave it empty to show the thank-you message.`;
  }
  return {
    input: {
      name,
      status: body.status === "live" ? "live" : "draft",
      fields,
      actions,
      theme: theme.success ? theme.output : { accent: "#2457d6", background: "#ffffff", text: "#1d2330" },
      thankYouMessage: thankYou || null,
      redirectUrl: redirect?.ok ? redirect.href : null,
    },
    errors,
  };
}

/** A form handler's own controls, read back: the field map, the allowed origins, the two addresses. */
export interface HandlerSettingsParse {
  fieldMap: Record<string, string>;
  allowedOrigins: string[];
  successUrl: string;
  errorUrl: string;
  /** Control name → what to fix. */
  errors: Record<string, string>;
}

function lines(text: string | undefined): string[] {
  return (text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * Reads a form handler's editor (its actions are the builder's controls, see {@link parseBuilder}):
 * one `theirs = ours` mapping a line, one origin a line, and the success and error addresses. An
 * address that does not check out is kept as typed, so the editor shows it again with its error.
 */
export function parseHandlerSettings(body: Record<string, string>): HandlerSettingsParse {
  const errors: Record<string, string> = {};
  const fieldMap: Record<string, string> = {};
  for (const line of lines(body.field_map).slice(0, 60)) {
    const [theirs = "", ours = ""] = line.split("=").map((s) => s.trim());
    const target = isProspectField(ours) || /^custom_[a-z0-9_]{1,40}$/.test(ours) ? ours : null;
    if (!/^[\w.[\]-]{1,100}$/.test(theirs) || !target) {
      errors.field_map = `“${line.slice(0, 60)}”: write one mapping a line, like first_name = firstName (targets: a prospect field or custom_<name>).`;
      break;
    }
    fieldMap[theirs] = target;
  }
  const allowedOrigins: string[] = [];
  for (const line of lines(body.allowed_origins).slice(0, 50)) {
    try {
      const u = new URL(line);
      if ((u.protocol !== "https:" && u.protocol !== "http:") || u.origin !== line.replace(/\/$/, ""))
        throw new Error();
      allowedOrigins.push(u.origin);
    } catch {
      errors.allowed_origins = `“${line.slice(0, 60)}” is not an origin: use https://www.example.com (no path).`;
    }
  }
  const urls = { success_url: "", error_url: "" };
  for (const k of ["success_url", "error_url"] as const) {
    const text = (body[k] ?? "").trim();
    const checked = checkRedirect(text);
    if (checked.ok) urls[k] = checked.href;
    else {
      errors[k] = checked.error;
      urls[k] = text;
    }
  }
  return { fieldMap, allowedOrigins, successUrl: urls.success_url, errorUrl: urls.error_url, errors };
}

export { FIELD_TYPES };

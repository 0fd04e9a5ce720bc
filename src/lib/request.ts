import type { Context } from "hono";
import { cleanText, hasInvisible } from "../domain/text";

/** The client's IP as Cloudflare reports it; locally there is none, so "local". */
export function clientIp(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}

/** True for requests htmx made (it always sends `HX-Request: true`). */
export function isHtmx(c: Context): boolean {
  return c.req.header("HX-Request") === "true";
}

/**
 * True for htmx requests that swap part of a page: they get the fragment, not the whole layout.
 * A boosted full-page navigation says `HX-Request-Type: full` and gets the whole page.
 */
export function isPartialHtmx(c: Context): boolean {
  return isHtmx(c) && c.req.header("HX-Request-Type") !== "full";
}

export const DEFAULT_NEXT = "/admin";
/** A stand-in origin: `next` is resolved against it, and anything that leaves it is refused. */
const OWN_ORIGIN = "https://rollcall.invalid";
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `next` holds control characters (tab, CR, LF...): a broken or crafted link, answered with a 400. */
export function nextIsMalformed(next: string | undefined | null): boolean {
  return next != null && CONTROL.test(next);
}

/**
 * The place to go after logging in: only a path on our own site (no open redirects). Browsers
 * drop tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example` would leave the site:
 * control characters, whitespace of any script, backslashes and invisible characters are refused
 * outright; the rest is resolved against our origin, must stay on it, and comes back re-serialised.
 */
export function safeNextPath(next: string | undefined | null): string {
  if (!next || next.length > 2000 || !next.startsWith("/")) return DEFAULT_NEXT;
  if (CONTROL.test(next) || /[\s\\]/u.test(next) || hasInvisible(next)) return DEFAULT_NEXT;
  let url: URL;
  try {
    url = new URL(next, OWN_ORIGIN);
  } catch {
    return DEFAULT_NEXT;
  }
  if (url.origin !== OWN_ORIGIN) return DEFAULT_NEXT;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as another host.
  if (!path.startsWith("/") || path.startsWith("//")) return DEFAULT_NEXT;
  return path;
}

/**
 * The string fields of a urlencoded or multipart body; files and `name[]` fields are dropped, and
 * of a repeated name the last value counts. Bidi controls and zero-width spaces are removed from
 * every value (a name holding U+202E renders as something it is not), except from passwords,
 * which must stay exactly as typed.
 */
export async function formFields(c: Context): Promise<Record<string, string>> {
  return stringFields(await c.req.parseBody());
}

/** `formFields` of a body already parsed (hono's validator gives repeated names as arrays). */
export function stringFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body !== "object" || body === null) return out;
  for (const [k, parsed] of Object.entries(body)) {
    if (k.endsWith("[]")) continue;
    const val: unknown = Array.isArray(parsed) ? parsed.at(-1) : parsed;
    if (typeof val === "string") out[k] = /password/i.test(k) ? val : cleanText(val);
  }
  return out;
}

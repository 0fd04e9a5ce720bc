import type { Context } from "hono";

/** The client's IP as Cloudflare reports it; locally there is none, so "local". */
export function clientIp(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}

/** Only same-site paths are accepted as a place to go after logging in (no open redirects). */
export function safeNextPath(next: string | undefined | null): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.includes("\\")) return "/admin";
  return next;
}

/** The string fields of a urlencoded or multipart body; files and repeated names are dropped. */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(body)) if (typeof val === "string") out[k] = val;
  return out;
}

import type { Keyset } from "../../db/queries/reports";
import { ApiError } from "../../lib/errors";

/** Keyset cursors (a sort value and an id), opaque to clients: base64url of `k:<at>|<id>`. */
export function encodeKeyset(position: Keyset): string {
  const bytes = new TextEncoder().encode(`k:${position.at}|${position.id}`);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/** The position a cursor stands for; 400 `invalid_cursor` for anything this API did not give out. */
export function decodeKeyset(cursor: string): Keyset {
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const text = new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
    const match = /^k:(\d{4}-\d\d-\d\dT[\d:.]+Z)\|([A-Za-z0-9_-]{1,100})$/.exec(text);
    if (match?.[1] && match[2]) return { at: match[1], id: match[2] };
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "invalid_cursor", "cursor is not one this API gave out; start again without it.");
}

import { ApiError } from "../../lib/errors";

/** Cursors are opaque to clients: base64url of a keyset position. */
export function encodeCursor(position: number): string {
  return btoa(`p:${position}`).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

export function decodeCursor(cursor: string): number {
  try {
    const text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const match = /^p:(\d{1,15})$/.exec(text);
    if (match?.[1]) return Number(match[1]);
  } catch {
    // fall through to the error below
  }
  throw new ApiError(400, "invalid_cursor", "cursor is not one this API gave out; start again without it.");
}

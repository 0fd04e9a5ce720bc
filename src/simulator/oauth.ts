/**
 * GoTo's OAuth server: the consent page and its script form at /oauth/authorize (oauth-authorize.ts),
 * the token endpoint with HTTP Basic client authentication (oauth-token.ts), and the access-token
 * check in front of the API (tokenOwner); /admin/rest/v1/me is in rest.ts.
 */

import type { SimApp, SimServices, TokenRow } from "./http";
import { type OrganizerRow, organizerByEmail, organizerByKey } from "./model-organizers";
import { mountAuthorize } from "./oauth-authorize";
import { mountToken } from "./oauth-token";
import { one } from "./storage";

export function mountOAuth(app: SimApp): void {
  mountAuthorize(app);
  mountToken(app);
}

/** The organizer of a valid access token, or null (missing, unknown, expired or revoked). */
export function tokenOwner(
  sim: SimServices,
  authorization: string | undefined,
): { token: TokenRow; organizer: OrganizerRow } | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) return null;
  const token = one<TokenRow>(sim.sql, "SELECT * FROM tokens WHERE token = ? AND kind = 'access'", match[1]);
  if (!token || token.revoked_at !== null || token.expires_at <= sim.now()) return null;
  const organizer = organizerByKey(sim.sql, token.organizer_key);
  return organizer ? { token, organizer } : null;
}

export { organizerByEmail };

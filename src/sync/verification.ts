import * as v from "valibot";
import { createDb } from "../db/client";
import { findConnector, updateConnector } from "../db/queries/connectors";
import { cleanText } from "../domain/text";
import { createGoToClient, type GoToClient } from "../gotowebinar/client";
import { GoToError, GoToInvalidGrantError, GoToOAuthError, GoToRateLimitedError } from "../gotowebinar/errors";
import type { GoToMe } from "../gotowebinar/schemas";
import { decryptSecret, encryptSecret, importSecretsKey } from "../lib/secrets";
import { type GoToLink, gotoOAuth } from "./goto-env";
import { budgetedFetch } from "./rate-budget";

export const OAUTH_COOKIE = "rollcall_goto_oauth";
/** Ten minutes to get through GoTo's consent page; GoTo's codes live shorter still. */
export const OAUTH_COOKIE_MAX_AGE = 600;
const SEAL_CONTEXT = "goto-oauth-state";

const Sealed = v.object({
  state: v.string(),
  codeVerifier: v.string(),
  connectorId: v.string(),
  /** The Rollcall session and user that pressed Verify: only they may finish it. */
  sessionId: v.string(),
  userId: v.string(),
  createdAt: v.number(),
});
type SealedState = v.InferOutput<typeof Sealed>;

/** State, PKCE verifier, connector, session and user, encrypted so the cookie can be neither read nor forged. */
export async function sealOAuthState(
  env: Env,
  input: { state: string; codeVerifier: string; connectorId: string; sessionId: string; userId: string },
): Promise<string> {
  const sealed: SealedState = { ...input, createdAt: Date.now() };
  return encryptSecret(await importSecretsKey(env.SECRETS_KEY), JSON.stringify(sealed), SEAL_CONTEXT);
}

async function unseal(env: Env, cookie: string): Promise<SealedState | null> {
  try {
    const text = await decryptSecret(await importSecretsKey(env.SECRETS_KEY), cookie, SEAL_CONTEXT);
    const parsed = v.safeParse(Sealed, JSON.parse(text));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

export type VerificationFailure =
  | "denied"
  | "no_session"
  | "expired"
  | "state_mismatch"
  | "other_session"
  | "connector_gone"
  | "code_refused"
  | "wrong_organizer"
  | "goto_unreachable";

export type VerificationResult =
  | { ok: true; connectorId: string; organizerEmail: string }
  | { ok: false; reason: VerificationFailure; connectorId: string | null; detail?: string };

/** What the marketer reads for each failure, and what to do about it. */
export const VERIFICATION_MESSAGES: Record<VerificationFailure, { title: string; text: string }> = {
  denied: {
    title: "Access was not allowed",
    text: "GoTo reports that the consent page was answered with Deny, so Rollcall has no access. Click Verify again and choose Allow.",
  },
  no_session: {
    title: "The verification could not be matched",
    text: "This answer from GoTo does not belong to a verification started in this browser (or it was already used). Start again with Verify on the connector's page.",
  },
  expired: {
    title: "The verification took too long",
    text: "More than 10 minutes passed between Verify and GoTo's answer. Click Verify again and finish on GoTo's page within 10 minutes.",
  },
  state_mismatch: {
    title: "The answer from GoTo was not the one Rollcall expected",
    text: "The security check (state) did not match, so the answer was refused. This happens when a link is reused or altered. Click Verify again.",
  },
  other_session: {
    title: "This verification was started by another login",
    text: "GoTo's answer belongs to a Verify pressed in a different Rollcall session, so it was refused and nothing changed. Whoever wants to verify the connector clicks Verify on the connector's page and finishes on GoTo's page in the same browser.",
  },
  connector_gone: {
    title: "The connector no longer exists",
    text: "The connector being verified was deleted meanwhile. Add it again from Connectors.",
  },
  code_refused: {
    title: "GoTo refused the authorization",
    text: "GoTo did not accept the authorization code: it expired or was already used. Click Verify again.",
  },
  wrong_organizer: {
    title: "That is a different GoTo organizer",
    text: "You allowed access while signed in to GoTo as another organizer than this connector's. Sign in to GoTo as the connector's organizer and verify again, or edit the connector's organizer email.",
  },
  goto_unreachable: {
    title: "GoTo could not be reached",
    text: "Rollcall could not complete the verification with GoTo just now. Wait a minute and click Verify again.",
  },
};

export interface CallbackQuery {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
  errorDescription?: string | undefined;
}

/** Who is at the callback: the session and user of the browser that arrived there. */
export interface CallbackCaller {
  sessionId: string | null;
  userId: string | null;
}

export const MAX_OAUTH_ERROR = 200;

/**
 * GoTo's `error` and `error_description` as they may be logged and shown: anyone can put any text
 * in a callback link, so control and invisible characters go and the length is capped.
 */
export function oauthErrorText(error: string, description: string | undefined): string {
  const text = description ? `${error}: ${description}` : error;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = cleanText(text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")).trim();
  return clean.length > MAX_OAUTH_ERROR ? `${clean.slice(0, MAX_OAUTH_ERROR - 1)}…` : clean;
}

/** Who the token belongs to. A 429 is refused before any effect and pauses the budget: ask again. */
async function organizer(client: GoToClient): Promise<GoToMe> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.getMe();
    } catch (error) {
      if (!(error instanceof GoToRateLimitedError) || attempt >= ORGANIZER_TRIES) throw error;
    }
  }
}
const ORGANIZER_TRIES = 5;

/**
 * The OAuth callback: checks the sealed state, exchanges the code (with the PKCE verifier), asks
 * GoTo who the organizer is, insists it is the connector's organizer, then hands the tokens to the
 * connector's gateway, which starts discovery.
 */
export async function completeVerification(
  env: Env,
  goto: GoToLink,
  requestOrigin: string,
  cookie: string | undefined,
  caller: CallbackCaller,
  query: CallbackQuery,
): Promise<VerificationResult> {
  const sealed = cookie ? await unseal(env, cookie) : null;
  const connectorId = sealed?.connectorId ?? null;
  if (query.error)
    return {
      ok: false,
      reason: query.error === "access_denied" ? "denied" : "code_refused",
      connectorId,
      detail: oauthErrorText(query.error, query.errorDescription),
    };
  if (!sealed) return { ok: false, reason: "no_session", connectorId };
  if (Date.now() - sealed.createdAt > OAUTH_COOKIE_MAX_AGE * 1000) return { ok: false, reason: "expired", connectorId };
  if (!query.state || query.state !== sealed.state) return { ok: false, reason: "state_mismatch", connectorId };
  if (sealed.sessionId !== caller.sessionId || sealed.userId !== caller.userId) {
    return { ok: false, reason: "other_session", connectorId };
  }
  if (!query.code) return { ok: false, reason: "code_refused", connectorId };

  const db = createDb(env.DB);
  const connector = await findConnector(db, sealed.connectorId);
  if (!connector) return { ok: false, reason: "connector_gone", connectorId: null };

  try {
    const tokens = await gotoOAuth(env, goto, requestOrigin).exchangeCode({
      code: query.code,
      codeVerifier: sealed.codeVerifier,
    });
    // The organizer check spends the deployment's GoTo budget like every other call.
    const fetch = budgetedFetch(env, () => connector.id, goto.fetch);
    const me = await organizer(createGoToClient({ fetch, accessToken: tokens.accessToken }));
    if (me.email.trim().toLowerCase() !== connector.organizerEmail) {
      return { ok: false, reason: "wrong_organizer", connectorId: connector.id, detail: me.email };
    }
    if (!tokens.refreshToken) throw new GoToOAuthError("GoTo sent no refresh token", 200, "no_refresh_token", null);
    const organizerKey = tokens.organizerKey ?? me.organizerKey;
    await env.GOTO_GATEWAY.getByName(connector.id).storeVerification({
      connectorId: connector.id,
      appOrigin: requestOrigin,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt.getTime(),
      organizerKey,
      accountKey: tokens.accountKey ?? me.accountKey ?? null,
    });
    await updateConnector(db, connector.id, {
      status: "verified",
      organizerKey,
      accountKey: tokens.accountKey ?? me.accountKey ?? null,
      organizerName: [me.firstName, me.lastName].filter(Boolean).join(" ") || null,
      verifiedAt: new Date().toISOString(),
      lastError: null,
      lastErrorAt: null,
    });
    return { ok: true, connectorId: connector.id, organizerEmail: connector.organizerEmail };
  } catch (error) {
    if (error instanceof GoToInvalidGrantError) return { ok: false, reason: "code_refused", connectorId: connector.id };
    if (error instanceof GoToError) {
      return { ok: false, reason: "goto_unreachable", connectorId: connector.id, detail: error.message };
    }
    throw error;
  }
}

import { createDb } from "../db/client";
import { updateConnector } from "../db/queries/connectors";
import { GoToInvalidGrantError } from "../gotowebinar/errors";
import { log } from "../lib/log";
import { decryptSecret, encryptSecret, importSecretsKey } from "../lib/secrets";
import { NeedsReverificationError, NotConnectedError } from "./gateway-errors";
import { getState, readTokens, setState, writeTokens } from "./gateway-storage";
import { type GoToLink, gotoOAuth } from "./goto-env";

/** Refresh a little before expiry, so no call carries a token that dies on the way. */
const REFRESH_MARGIN_MS = 60_000;

export interface FreshTokens {
  connectorId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  organizerKey: string;
  accountKey: string | null;
}

/**
 * A connector's OAuth tokens inside its GoToGateway: stored with AES-GCM under SECRETS_KEY (bound
 * to the connector), handed out while valid, refreshed one at a time however many calls wait
 * (refresh tokens can rotate; two refreshes at once would lose one), and a refused refresh puts
 * the connector in "needs re-verification".
 */
export class GatewayTokens {
  /** The refresh in flight, shared by every call that needs it. */
  private refreshing: Promise<string> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly goto: () => GoToLink,
  ) {}

  private connectorId(): string {
    const id = getState(this.sql, "connector_id");
    if (!id) throw new NotConnectedError();
    return id;
  }

  private key(): Promise<CryptoKey> {
    return importSecretsKey(this.env.SECRETS_KEY);
  }

  async store(input: FreshTokens): Promise<void> {
    const key = await this.key();
    const context = `connector:${input.connectorId}`;
    writeTokens(
      this.sql,
      {
        accessToken: await encryptSecret(key, input.accessToken, context),
        refreshToken: await encryptSecret(key, input.refreshToken, context),
        expiresAt: input.expiresAt,
        organizerKey: input.organizerKey,
        accountKey: input.accountKey,
      },
      Date.now(),
    );
    setState(this.sql, "needs_reverification", null);
  }

  /** The stored access token as it is now, without refreshing (null before verification). */
  async current(): Promise<string | null> {
    const tokens = readTokens(this.sql);
    if (!tokens) return null;
    return decryptSecret(await this.key(), tokens.accessToken, `connector:${this.connectorId()}`);
  }

  /** A token to call GoTo with: the stored one while it is valid, else a fresh one. */
  async access(): Promise<string> {
    if (getState(this.sql, "needs_reverification")) throw new NeedsReverificationError();
    const tokens = readTokens(this.sql);
    if (!tokens) throw new NotConnectedError();
    if (tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
      return decryptSecret(await this.key(), tokens.accessToken, `connector:${this.connectorId()}`);
    }
    return this.refreshOnce();
  }

  refreshOnce(): Promise<string> {
    if (!this.refreshing) {
      this.refreshing = this.refresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refresh(): Promise<string> {
    const tokens = readTokens(this.sql);
    if (!tokens) throw new NotConnectedError();
    const connectorId = this.connectorId();
    const key = await this.key();
    const context = `connector:${connectorId}`;
    const oauth = gotoOAuth(this.env, this.goto(), this.env.PUBLIC_URL || "http://localhost");
    try {
      const fresh = await oauth.refresh(await decryptSecret(key, tokens.refreshToken, context));
      // Re-read after the await: storage may have changed while the input gate was open.
      const current = readTokens(this.sql);
      if (!current) throw new NotConnectedError();
      writeTokens(
        this.sql,
        {
          ...current,
          accessToken: await encryptSecret(key, fresh.accessToken, context),
          // GoTo usually keeps the refresh token; when it rotates one, the old one stops working.
          refreshToken: fresh.refreshToken
            ? await encryptSecret(key, fresh.refreshToken, context)
            : current.refreshToken,
          expiresAt: fresh.expiresAt.getTime(),
        },
        Date.now(),
      );
      return fresh.accessToken;
    } catch (error) {
      if (error instanceof GoToInvalidGrantError) {
        await this.markNeedsReverification(connectorId, error.message);
        throw new NeedsReverificationError();
      }
      throw error;
    }
  }

  private async markNeedsReverification(connectorId: string, reason: string): Promise<void> {
    setState(this.sql, "needs_reverification", new Date().toISOString());
    await updateConnector(createDb(this.env.DB), connectorId, {
      status: "needs_reverification",
      lastError: `GoTo refused to renew access (${reason}). Verify the connector again; waiting work resumes after that.`,
      lastErrorAt: new Date().toISOString(),
    });
    log("warn", "connector needs re-verification", { connectorId, reason });
  }
}

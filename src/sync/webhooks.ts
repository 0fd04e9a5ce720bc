import * as v from "valibot";
import type { Db } from "../db/client";
import { getAppState, replaceAppState, setAppStateOnce } from "../db/queries/goto-app";
import type { GoToClient } from "../gotowebinar/client";
import { GOTO_WEBHOOK_EVENTS, type GoToWebhookEvent } from "../gotowebinar/constants";
import { GoToError } from "../gotowebinar/errors";
import { decryptSecret, encryptSecret, importSecretsKey } from "../lib/secrets";
import { NeedsReverificationError, NotConnectedError, PausedError } from "./gateway-errors";
import { readWebhooks, type StoredWebhook, writeWebhook } from "./gateway-storage";
import type { GoToLink } from "./goto-env";

export const WEBHOOK_PATH = "/webhooks/goto";
const SECRET_KEY = "webhook_secret";
const SECRET_CONTEXT = "goto-webhook-secret";

/**
 * Where GoTo should post events, or null when it cannot reach this deployment: an https
 * PUBLIC_URL in production; with the simulator, the app's own origin (the simulator delivers to a
 * local app directly).
 */
export function webhookBase(env: Env, goto: GoToLink, appOrigin: string | null): string | null {
  if (env.PUBLIC_URL?.startsWith("https://")) return new URL(env.PUBLIC_URL).origin;
  if (goto.simulator && appOrigin) return appOrigin;
  return null;
}

/** The secret GoTo signs events with (one per OAuth application), or null before any setup. */
export async function webhookSecret(env: Env, db: Db): Promise<string | null> {
  const stored = await getAppState(db, SECRET_KEY);
  if (!stored) return null;
  return decryptSecret(await importSecretsKey(env.SECRETS_KEY), stored, SECRET_CONTEXT);
}

type Call = <M extends keyof GoToClient>(
  method: M,
  args: Parameters<GoToClient[M]>[0],
) => Promise<Awaited<ReturnType<GoToClient[M]>>>;

/** A webhook set-up that failed with a retryable error is tried again after 5 s, doubling to 10 minutes. */
export const WEBHOOK_RETRY = { baseMs: 5_000, maxMs: 10 * 60_000 };

/** Worth trying again soon: GoTo's 5xx, 429, timeouts and transport failures (not a 4xx it will repeat). */
export function webhookSetupRetryable(error: unknown): boolean {
  if (error instanceof NeedsReverificationError || error instanceof PausedError || error instanceof NotConnectedError)
    return false;
  if (error instanceof GoToError) return error.retryable;
  return true;
}

/** True when this connector is subscribed to every event at its callback under `base`. */
export function webhooksComplete(sql: SqlStorage, base: string, connectorId: string): boolean {
  const callback = `${base}${WEBHOOK_PATH}/${connectorId}`;
  const mine = readWebhooks(sql).filter((w) => w.callbackUrl === callback);
  return GOTO_WEBHOOK_EVENTS.every((e) => mine.some((w) => w.eventName === e));
}

const AppWebhook = v.object({ webhookKey: v.string(), callbackUrl: v.string() });

/**
 * Makes sure GoTo posts this connector's events to `/webhooks/goto/<connectorId>`, idempotently:
 * the application's secret and its webhooks (one per event) are created once (kept in D1, shared by every
 * connector), and each connector subscribes its organizer once per webhook (kept in the
 * gateway's storage). A second run with nothing to do makes no GoTo call.
 */
export async function ensureWebhooks(deps: {
  env: Env;
  db: Db;
  sql: SqlStorage;
  connectorId: string;
  base: string;
  call: Call;
}): Promise<StoredWebhook[]> {
  const { env, db, call } = deps;
  const appCallback = `${deps.base}${WEBHOOK_PATH}`;
  const connectorCallback = `${appCallback}/${deps.connectorId}`;

  if (!(await getAppState(db, SECRET_KEY))) {
    const secret = await call("createWebhookSecretKey", {});
    const sealed = await encryptSecret(await importSecretsKey(env.SECRETS_KEY), secret.value, SECRET_CONTEXT);
    await setAppStateOnce(db, SECRET_KEY, sealed);
  }

  const stored = new Map(readWebhooks(deps.sql).map((w) => [w.eventName, w]));
  for (const eventName of GOTO_WEBHOOK_EVENTS) {
    const webhook = await appWebhook(db, call, eventName, appCallback);
    const mine = stored.get(eventName);
    if (mine && mine.webhookKey === webhook.webhookKey && mine.callbackUrl === connectorCallback) continue;
    const [subscription] = await call("createUserSubscriptions", [
      { webhookKey: webhook.webhookKey, callbackUrl: connectorCallback, userSubscriptionState: "ACTIVE" },
    ]);
    writeWebhook(deps.sql, {
      eventName,
      webhookKey: webhook.webhookKey,
      subscriptionKey: subscription?.userSubscriptionKey ?? null,
      callbackUrl: connectorCallback,
    });
  }
  return readWebhooks(deps.sql);
}

async function appWebhook(
  db: Db,
  call: Call,
  eventName: GoToWebhookEvent,
  callbackUrl: string,
): Promise<v.InferOutput<typeof AppWebhook>> {
  const key = `webhook:${eventName}`;
  const existing = await getAppState(db, key);
  if (existing) {
    const parsed = v.safeParse(AppWebhook, JSON.parse(existing));
    if (parsed.success && parsed.output.callbackUrl === callbackUrl) return parsed.output;
  }
  const [created] = await call("createWebhooks", [{ callbackUrl, eventName }]);
  if (!created) throw new Error(`GoTo created no webhook for ${eventName}`);
  await call("updateWebhooks", [{ webhookKey: created.webhookKey, state: "ACTIVE" }]);
  const value = JSON.stringify({ webhookKey: created.webhookKey, callbackUrl });
  if (existing) {
    // The deployment moved (another PUBLIC_URL): replace the old record.
    await replaceAppState(db, key, value);
    return { webhookKey: created.webhookKey, callbackUrl };
  }
  return v.parse(AppWebhook, JSON.parse(await setAppStateOnce(db, key, value)));
}

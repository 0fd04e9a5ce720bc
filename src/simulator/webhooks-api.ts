import * as v from "valibot";
import { callbackAccepted } from "./delivery";
import { invalid, notFound } from "./errors";
import { EVENT_NAMES } from "./events";
import { readJsonBody, type SimApp, type SimContext } from "./http";
import { type JsonValue, jsonText, parseLossless } from "./json";
import { parseBody } from "./rest-shared";
import { all, isoTime, one, parseIsoTime } from "./storage";

/**
 * Webhook set-up (§2.7): secret key, webhooks (created INACTIVE, then activated), user
 * subscriptions with the organizer's token. Events flow only when both are ACTIVE.
 */

interface WebhookRow extends Record<string, SqlStorageValue> {
  webhook_key: string;
  callback_url: string;
  event_name: string;
  event_version: string;
  product: string;
  state: string;
  created_at: number;
}

interface SubscriptionRow extends Record<string, SqlStorageValue> {
  user_subscription_key: string;
  webhook_key: string;
  organizer_key: string;
  callback_url: string | null;
  state: string;
  created_at: number;
}

const State = v.picklist(["ACTIVE", "INACTIVE"]);

const CreateWebhooks = v.pipe(
  v.array(
    v.object({
      callbackUrl: v.pipe(v.string(), v.url()),
      eventName: v.picklist(EVENT_NAMES),
      eventVersion: v.literal("1.0.0"),
      product: v.literal("g2w"),
    }),
  ),
  v.minLength(1),
);

const UpdateWebhooks = v.pipe(
  v.array(v.object({ webhookKey: v.string(), state: State, callbackUrl: v.optional(v.pipe(v.string(), v.url())) })),
  v.minLength(1),
);

const CreateSubscriptions = v.pipe(
  v.array(
    v.object({
      webhookKey: v.string(),
      userSubscriptionState: State,
      callbackUrl: v.optional(v.pipe(v.string(), v.url())),
    }),
  ),
  v.minLength(1),
);

const UpdateSubscriptions = v.pipe(
  v.array(
    v.object({
      userSubscriptionKey: v.string(),
      webhookKey: v.string(),
      userSubscriptionState: State,
      callbackUrl: v.optional(v.pipe(v.string(), v.url())),
    }),
  ),
  v.minLength(1),
);

const Keys = v.pipe(v.array(v.string()), v.minLength(1));

function webhookJson(w: WebhookRow): JsonValue {
  return {
    webhookKey: w.webhook_key,
    callbackUrl: w.callback_url,
    eventName: w.event_name,
    eventVersion: w.event_version,
    product: w.product,
    state: w.state,
    createTime: isoTime(w.created_at),
  };
}

function subscriptionJson(sql: SqlStorage, s: SubscriptionRow): JsonValue {
  const w = one<WebhookRow>(sql, "SELECT * FROM webhooks WHERE webhook_key = ?", s.webhook_key);
  return {
    userSubscriptionKey: s.user_subscription_key,
    webhookKey: s.webhook_key,
    callbackUrl: s.callback_url ?? w?.callback_url ?? "",
    eventName: w?.event_name ?? "",
    eventVersion: w?.event_version ?? "1.0.0",
    product: "g2w",
    userSubscriptionState: s.state,
    activationState: s.state === "ACTIVE" && w?.state === "ACTIVE" ? "ACTIVE" : "INACTIVE",
    createTime: isoTime(s.created_at),
  };
}

async function checkCallback(c: SimContext, url: string): Promise<void> {
  const problem = await callbackAccepted(c.get("sim").deliveryFetch(), url);
  if (problem) throw invalid(problem);
}

function requireProduct(c: SimContext): void {
  if (c.req.query("product") !== "g2w") throw invalid("The query parameter product=g2w is required.");
}

function webhook(sql: SqlStorage, key: string): WebhookRow {
  const w = one<WebhookRow>(sql, "SELECT * FROM webhooks WHERE webhook_key = ?", key);
  if (!w) throw notFound("Webhook with specified key does not exist.");
  return w;
}

function subscription(c: SimContext, key: string): SubscriptionRow {
  const s = one<SubscriptionRow>(
    c.get("sim").sql,
    "SELECT * FROM user_subscriptions WHERE user_subscription_key = ? AND organizer_key = ?",
    key,
    c.get("organizer").organizer_key,
  );
  if (!s) throw notFound("User subscription with specified key does not exist.");
  return s;
}

export function mountWebhooks(app: SimApp): void {
  const r = "/G2W/rest/v2";

  app.post(`${r}/webhooks/secretkey`, async (c) => {
    const { sql, now } = c.get("sim");
    const text = await c.req.text();
    let validFrom = now();
    if (text.trim() !== "") {
      const parsed = parseLossless(text);
      if (parsed === undefined) throw invalid("The request body must be JSON.");
      const body = parseBody(v.object({ validFrom: v.optional(v.string()) }), parsed);
      if (body.validFrom !== undefined) {
        const at = parseIsoTime(body.validFrom);
        if (at === null) throw invalid("validFrom must be an ISO-8601 time.");
        validFrom = at;
      }
    }
    const value = crypto.randomUUID();
    sql.exec("INSERT INTO webhook_secrets (value, valid_from, created_at) VALUES (?, ?, ?)", value, validFrom, now());
    const id = one<{ id: number }>(sql, "SELECT last_insert_rowid() AS id")?.id ?? 0;
    return jsonText({ id, value, validFrom: isoTime(validFrom) });
  });

  app.post(`${r}/webhooks`, async (c) => {
    const { sql, now } = c.get("sim");
    const items = parseBody(CreateWebhooks, await readJsonBody(c));
    for (const item of items) await checkCallback(c, item.callbackUrl);
    const created: WebhookRow[] = items.map((item) => ({
      webhook_key: crypto.randomUUID(),
      callback_url: item.callbackUrl,
      event_name: item.eventName,
      event_version: item.eventVersion,
      product: item.product,
      state: "INACTIVE",
      created_at: now(),
    }));
    for (const w of created) {
      sql.exec(
        "INSERT INTO webhooks (webhook_key, callback_url, event_name, event_version, product, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        ...Object.values(w),
      );
    }
    return jsonText({ _embedded: { webhooks: created.map(webhookJson) } });
  });

  app.put(`${r}/webhooks`, async (c) => {
    const { sql } = c.get("sim");
    const items = parseBody(UpdateWebhooks, await readJsonBody(c));
    for (const item of items) webhook(sql, item.webhookKey);
    for (const item of items) if (item.callbackUrl) await checkCallback(c, item.callbackUrl);
    for (const item of items) {
      sql.exec(
        "UPDATE webhooks SET state = ?, callback_url = COALESCE(?, callback_url) WHERE webhook_key = ?",
        item.state,
        item.callbackUrl ?? null,
        item.webhookKey,
      );
    }
    return c.body(null, 204);
  });

  app.get(`${r}/webhooks`, (c) => {
    requireProduct(c);
    const rows = all<WebhookRow>(c.get("sim").sql, "SELECT * FROM webhooks ORDER BY created_at, webhook_key");
    return jsonText({ _embedded: { webhooks: rows.map(webhookJson) } });
  });

  app.get(`${r}/webhooks/:webhookKey`, (c) =>
    jsonText(webhookJson(webhook(c.get("sim").sql, c.req.param("webhookKey")))),
  );

  app.delete(`${r}/webhooks`, async (c) => {
    const { sql } = c.get("sim");
    const keys = parseBody(Keys, await readJsonBody(c));
    for (const key of keys) webhook(sql, key);
    for (const key of keys) {
      sql.exec("DELETE FROM webhooks WHERE webhook_key = ?", key);
      sql.exec("DELETE FROM user_subscriptions WHERE webhook_key = ?", key);
    }
    return c.body(null, 202);
  });

  app.post(`${r}/userSubscriptions`, async (c) => {
    const { sql, now } = c.get("sim");
    const items = parseBody(CreateSubscriptions, await readJsonBody(c));
    for (const item of items) webhook(sql, item.webhookKey);
    for (const item of items) if (item.callbackUrl) await checkCallback(c, item.callbackUrl);
    const organizerKey = c.get("organizer").organizer_key;
    const created: SubscriptionRow[] = items.map((item) => ({
      user_subscription_key: crypto.randomUUID(),
      webhook_key: item.webhookKey,
      organizer_key: organizerKey,
      callback_url: item.callbackUrl ?? null,
      state: item.userSubscriptionState,
      created_at: now(),
    }));
    for (const s of created) {
      sql.exec(
        "INSERT INTO user_subscriptions (user_subscription_key, webhook_key, organizer_key, callback_url, state, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ...Object.values(s),
      );
    }
    return jsonText({ _embedded: { userSubscriptions: created.map((s) => subscriptionJson(sql, s)) } });
  });

  app.put(`${r}/userSubscriptions`, async (c) => {
    const { sql } = c.get("sim");
    const items = parseBody(UpdateSubscriptions, await readJsonBody(c));
    for (const item of items) subscription(c, item.userSubscriptionKey);
    for (const item of items) if (item.callbackUrl) await checkCallback(c, item.callbackUrl);
    for (const item of items) {
      sql.exec(
        "UPDATE user_subscriptions SET state = ?, callback_url = COALESCE(?, callback_url) WHERE user_subscription_key = ?",
        item.userSubscriptionState,
        item.callbackUrl ?? null,
        item.userSubscriptionKey,
      );
    }
    return c.body(null, 204);
  });

  app.get(`${r}/userSubscriptions`, (c) => {
    requireProduct(c);
    const { sql } = c.get("sim");
    const rows = all<SubscriptionRow>(
      sql,
      "SELECT * FROM user_subscriptions WHERE organizer_key = ? ORDER BY created_at, user_subscription_key",
      c.get("organizer").organizer_key,
    );
    return jsonText({ _embedded: { userSubscriptions: rows.map((s) => subscriptionJson(sql, s)) } });
  });

  app.get(`${r}/userSubscriptions/:key`, (c) =>
    jsonText(subscriptionJson(c.get("sim").sql, subscription(c, c.req.param("key")))),
  );

  app.delete(`${r}/userSubscriptions`, async (c) => {
    const { sql } = c.get("sim");
    const keys = parseBody(Keys, await readJsonBody(c));
    for (const key of keys) subscription(c, key);
    for (const key of keys) sql.exec("DELETE FROM user_subscriptions WHERE user_subscription_key = ?", key);
    return c.body(null, 202);
  });
}

import * as v from "valibot";
import { GOTO_API_BASE_URL, type GoToWebhookEvent } from "./constants";
import type { Requester } from "./request";
import {
  type GoToSecretKey,
  type GoToUserSubscription,
  type GoToWebhook,
  SecretKeySchema,
  UserSubscriptionListSchema,
  WebhookListSchema,
} from "./schemas";

export type GoToSubscriptionState = "ACTIVE" | "INACTIVE";

export interface GoToWebhookCalls {
  /** `POST /webhooks/secretkey`: the secret GoTo signs events with (one per developer application). */
  createWebhookSecretKey(args?: { validFrom?: string }): Promise<GoToSecretKey>;
  /** `POST /webhooks`: created INACTIVE; GoTo first checks each callback URL answers 200 to a GET. */
  createWebhooks(webhooks: { callbackUrl: string; eventName: GoToWebhookEvent }[]): Promise<GoToWebhook[]>;
  /** `GET /webhooks?product=g2w`. */
  listWebhooks(): Promise<GoToWebhook[]>;
  /** `PUT /webhooks`: activation (`state: "ACTIVE"`) or a new callback URL. */
  updateWebhooks(updates: { webhookKey: string; state: GoToSubscriptionState; callbackUrl?: string }[]): Promise<void>;
  /** `DELETE /webhooks` with the keys as body. */
  deleteWebhooks(webhookKeys: string[]): Promise<void>;
  /** `POST /userSubscriptions` with the organizer's token: events flow once webhook and subscription are both ACTIVE. */
  createUserSubscriptions(
    subscriptions: { webhookKey: string; callbackUrl?: string; userSubscriptionState?: GoToSubscriptionState }[],
  ): Promise<GoToUserSubscription[]>;
  /** `GET /userSubscriptions?product=g2w`. */
  listUserSubscriptions(): Promise<GoToUserSubscription[]>;
  /** `PUT /userSubscriptions`. */
  updateUserSubscriptions(
    updates: {
      userSubscriptionKey: string;
      webhookKey: string;
      userSubscriptionState: GoToSubscriptionState;
      callbackUrl?: string;
    }[],
  ): Promise<void>;
  /** `DELETE /userSubscriptions` with the keys as body. */
  deleteUserSubscriptions(userSubscriptionKeys: string[]): Promise<void>;
}

const WEBHOOKS_URL = `${GOTO_API_BASE_URL}/webhooks`;
const SUBSCRIPTIONS_URL = `${GOTO_API_BASE_URL}/userSubscriptions`;

const webhookItems = v.pipe(
  WebhookListSchema,
  v.transform((page) => page.items),
);
const subscriptionItems = v.pipe(
  UserSubscriptionListSchema,
  v.transform((page) => page.items),
);

export function createWebhookCalls(http: Requester): GoToWebhookCalls {
  return {
    createWebhookSecretKey(args = {}) {
      return http.json(
        {
          method: "POST",
          url: `${WEBHOOKS_URL}/secretkey`,
          body: JSON.stringify(args.validFrom ? { validFrom: args.validFrom } : {}),
          context: "create webhook secret key",
        },
        SecretKeySchema,
      );
    },

    createWebhooks(webhooks) {
      const body = webhooks.map((w) => ({
        callbackUrl: w.callbackUrl,
        eventName: w.eventName,
        eventVersion: "1.0.0",
        product: "g2w",
      }));
      return http.json(
        { method: "POST", url: WEBHOOKS_URL, body: JSON.stringify(body), context: "create webhooks" },
        webhookItems,
      );
    },

    listWebhooks() {
      return http.json(
        { method: "GET", url: WEBHOOKS_URL, query: { product: "g2w" }, context: "list webhooks" },
        webhookItems,
      );
    },

    updateWebhooks(updates) {
      return http.empty({
        method: "PUT",
        url: WEBHOOKS_URL,
        body: JSON.stringify(updates),
        context: "update webhooks",
      });
    },

    deleteWebhooks(webhookKeys) {
      return http.empty({
        method: "DELETE",
        url: WEBHOOKS_URL,
        body: JSON.stringify(webhookKeys),
        context: "delete webhooks",
      });
    },

    createUserSubscriptions(subscriptions) {
      const body = subscriptions.map((s) => ({
        webhookKey: s.webhookKey,
        userSubscriptionState: s.userSubscriptionState ?? "ACTIVE",
        ...(s.callbackUrl ? { callbackUrl: s.callbackUrl } : {}),
      }));
      return http.json(
        { method: "POST", url: SUBSCRIPTIONS_URL, body: JSON.stringify(body), context: "create user subscriptions" },
        subscriptionItems,
      );
    },

    listUserSubscriptions() {
      return http.json(
        { method: "GET", url: SUBSCRIPTIONS_URL, query: { product: "g2w" }, context: "list user subscriptions" },
        subscriptionItems,
      );
    },

    updateUserSubscriptions(updates) {
      return http.empty({
        method: "PUT",
        url: SUBSCRIPTIONS_URL,
        body: JSON.stringify(updates),
        context: "update user subscriptions",
      });
    },

    deleteUserSubscriptions(userSubscriptionKeys) {
      return http.empty({
        method: "DELETE",
        url: SUBSCRIPTIONS_URL,
        body: JSON.stringify(userSubscriptionKeys),
        context: "delete user subscriptions",
      });
    },
  };
}

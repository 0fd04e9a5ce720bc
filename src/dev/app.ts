import type { Hono } from "hono";
import { createApp } from "../app";
import type { AppEnv } from "../env";
import { devGoTo } from "./goto";
import { simulatorRoutes } from "./simulator-routes";

/** The app of the development entry: production's, plus /sim, and GoTo as GOTO_MODE says. */
export function createDevApp(): Hono<AppEnv> {
  return createApp({
    goto: devGoTo,
    mount: (app) => app.route("/sim", simulatorRoutes),
  });
}

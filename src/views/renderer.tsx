import { jsxRenderer, useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../env";
import { isPartialHtmx } from "../lib/request";
import { AdminLayout } from "./layout";

declare module "hono" {
  interface ContextRenderer {
    // biome-ignore lint/style/useShorthandFunctionType: module augmentation needs the interface form
    (content: string | Promise<string>, props: { title: string }): Response | Promise<Response>;
  }
}

/**
 * One renderer for the admin area: a normal request gets the full page in the layout, an htmx
 * request gets the same component alone, ready to swap.
 */
export function adminRenderer() {
  return jsxRenderer<AppEnv>(
    ({ children, title }) => {
      const c = useRequestContext<AppEnv>();
      if (isPartialHtmx(c)) return <>{children}</>;
      return (
        <AdminLayout meta={{ title, path: c.req.path, user: c.get("user"), csrfToken: c.get("csrfToken") }}>
          {children}
        </AdminLayout>
      );
    },
    { docType: false },
  );
}

import { raw } from "hono/html";
import type { Child, FC } from "hono/jsx";
import type { CurrentUser } from "../env";

export interface NavItem {
  href: string;
  label: string;
  adminOnly?: boolean;
  /** Other areas that belong under this item (they light it up too). */
  also?: string[];
}

/** The admin areas, in the order marketers use them. */
export const NAV: NavItem[] = [
  { href: "/admin", label: "Dashboard" },
  { href: "/admin/connectors", label: "Connectors" },
  { href: "/admin/webinars", label: "Webinars" },
  { href: "/admin/prospects", label: "Prospects" },
  { href: "/admin/campaigns", label: "Campaigns" },
  { href: "/admin/forms", label: "Forms", also: ["/admin/form-handlers", "/admin/filters"] },
  { href: "/admin/lists", label: "Lists" },
  { href: "/admin/automation", label: "Automation" },
  { href: "/admin/settings", label: "Settings" },
];

function isCurrent(path: string, item: NavItem): boolean {
  if (item.href === "/admin") return path === "/admin";
  return [item.href, ...(item.also ?? [])].some((href) => path === href || path.startsWith(`${href}/`));
}

export interface PageMeta {
  title: string;
  path: string;
  user: CurrentUser | null;
  csrfToken: string | null;
}

export const Document: FC<{ title: string; csrfToken?: string | null; children: Child; bodyClass?: string }> = (
  props,
) => (
  <>
    {raw("<!DOCTYPE html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{`${props.title} · Rollcall`}</title>
        <link rel="icon" href="/img/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/css/app.css" />
        <script src="/vendor/htmx.min.js" defer />
        {props.bodyClass === "admin" && <script src="/js/copy.js" defer />}
        {props.bodyClass === "admin" && <script src="/js/form-builder.js" defer />}
      </head>
      <body
        class={props.bodyClass}
        {...(props.csrfToken ? { "hx-headers:inherited": JSON.stringify({ "X-CSRF-Token": props.csrfToken }) } : {})}
      >
        {props.children}
      </body>
    </html>
  </>
);

export const AdminLayout: FC<{ meta: PageMeta; children: Child }> = ({ meta, children }) => {
  const user = meta.user;
  const items = NAV.filter((item) => !item.adminOnly || user?.role === "admin");
  return (
    <Document title={meta.title} csrfToken={meta.csrfToken} bodyClass="admin">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/admin">
          <img src="/img/favicon.svg" alt="" width="28" height="28" />
          <span>Rollcall</span>
        </a>
        {user && (
          <div class="account">
            <span class="account-name" title={user.email}>
              <bdi>{user.name}</bdi> <span class="role">{user.role}</span>
            </span>
            <form method="post" action="/logout" class="inline">
              <input type="hidden" name="_csrf" value={meta.csrfToken ?? ""} />
              <button type="submit" class="button subtle">
                Log out
              </button>
            </form>
          </div>
        )}
      </header>
      <div class="shell">
        <nav class="sidenav" aria-label="Main">
          <ul>
            {items.map((item) => (
              <li>
                <a href={item.href} aria-current={isCurrent(meta.path, item) ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="content">
          <div id="alerts" aria-live="polite" />
          {children}
        </main>
      </div>
    </Document>
  );
};

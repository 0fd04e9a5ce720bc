import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { createApiKey } from "../../src/auth/api-keys";
import { createDb } from "../../src/db/client";
import { ADMIN, call, form, login, makeUser, rows, type Session } from "../helpers";
import { addConnector } from "./connector-helpers";
import { builderBody, NAME_FIELDS, saveForm } from "./form-helpers";
import { seedProspect, seedWebinar } from "./report-seed";

/**
 * "Nothing crashes into a 500 on bad input": every mutating admin route the router has (read from
 * `app.routes`) gets a corpus of malformed bodies with a valid session and CSRF token. Every
 * answer must be below 500 and never echo a script payload unescaped.
 */
const SCRIPT = "<script>alert(1)</script>";
const FIELD_NAMES = [
  "name",
  "email",
  "password",
  "role",
  "organizerEmail",
  "createProspects",
  "campaign",
  "kind",
  "value",
  "note",
  "points_webinar_registered",
  "points_webinar_attended",
  "a",
  "b",
  "pick",
  "master",
  "q",
  "status",
  "op",
  "register_webinar",
  "add_to_list",
  "add_tag",
  "adjust_score",
  "assign_campaign",
  "thank_you",
  "redirect_url",
  "theme_accent",
  "theme_background",
  "theme_text",
  "field_map",
  "success_url",
  "error_url",
  "allowed_origins",
  "field_0_key",
  "field_0_type",
  "field_0_label",
  "field_0_required",
  "field_0_options",
  "field_0_order",
  "field_99_key",
  "field_-1_label",
];

function everyField(value: string): string {
  return FIELD_NAMES.map((n) => `${encodeURIComponent(n)}=${encodeURIComponent(value)}`).join("&");
}

interface Body {
  label: string;
  contentType: string | null;
  body: string | FormData;
}

function corpus(): Body[] {
  const url = "application/x-www-form-urlencoded";
  const multipart = new FormData();
  multipart.append("name", new File(["x".repeat(1000)], "evil.exe"));
  multipart.append("email", SCRIPT);
  return [
    { label: "empty", contentType: url, body: "" },
    { label: "no content type", contentType: null, body: "name=x" },
    { label: "text/plain", contentType: "text/plain", body: "name=x" },
    { label: "json", contentType: "application/json", body: JSON.stringify({ name: SCRIPT, email: 5 }) },
    { label: "broken json", contentType: "application/json", body: "{" },
    {
      label: "broken percent-encoding",
      contentType: url,
      body: "name=%E0%A4%A&email=%%%&points_webinar_registered=%FF&note=%ED%A0%80",
    },
    { label: "script everywhere", contentType: url, body: everyField(SCRIPT) },
    { label: "huge values", contentType: url, body: everyField("x".repeat(20_000)) },
    { label: "numbers out of range", contentType: url, body: everyField("-99999999999999999999") },
    { label: "unicode junk", contentType: url, body: everyField("\u0000\uFFFF ☃ 🦄 ‮") },
    { label: "repeated names", contentType: url, body: "name=a&name=b&email=a@b.c&email=c@d.e&pick=x&pick=y&pick=z" },
    { label: "multipart with a file", contentType: null, body: multipart },
  ];
}

let admin: Session;
const ids: Record<string, string> = {};

beforeAll(async () => {
  admin = await login(ADMIN.email, ADMIN.password);
  ids.connector = await addConnector(admin, "fuzz-organizer@example.com");
  ids.user = (await makeUser("marketer")).id;
  ids.key = (await createApiKey(createDb(env.DB), "fuzz key", null)).id;
  ids.webinar = await seedWebinar(ids.connector, "Fuzz webinar", [[24, 25]]);
  ids.prospect = await seedProspect("fuzz-prospect@example.com");
  const saved = await saveForm(admin, builderBody(admin, { name: "Fuzz form", fields: NAME_FIELDS, status: "draft" }));
  ids.form = /\/admin\/forms\/([\w-]+)/.exec(saved.headers.get("location") ?? "")?.[1] ?? "";
  await call("/admin/filters", {
    method: "POST",
    cookie: admin.cookie,
    ...form({ _csrf: admin.csrf, kind: "email_domain", value: "fuzz.example" }),
  });
  ids.filter = (await rows<{ id: string }>("SELECT id FROM filters LIMIT 1"))[0]?.id ?? "";
  const handler = await call("/admin/form-handlers", {
    method: "POST",
    cookie: admin.cookie,
    ...form({
      _csrf: admin.csrf,
      name: "Fuzz handler",
      field_map: "e = email",
      success_url: "https://a.example/",
      error_url: "https://a.example/e",
    }),
  });
  ids.handler = /\/admin\/form-handlers\/([\w-]+)/.exec(handler.headers.get("location") ?? "")?.[1] ?? "";
}, 60_000);

/** A real id for each parameterised area, so bodies reach validation instead of a 404. */
function concrete(path: string): string {
  const area: [RegExp, string][] = [
    [/^\/admin\/connectors\//, "connector"],
    [/^\/admin\/settings\/users\//, "user"],
    [/^\/admin\/settings\/api-keys\//, "key"],
    [/^\/admin\/webinars\//, "webinar"],
    [/^\/admin\/prospects\//, "prospect"],
    [/^\/admin\/forms\//, "form"],
    [/^\/admin\/filters\//, "filter"],
    [/^\/admin\/form-handlers\//, "handler"],
  ];
  const kind = area.find(([re]) => re.test(path))?.[1];
  return path.replace(/:[A-Za-z]+/g, kind ? (ids[kind] ?? "x") : "x");
}

function mutatingAdminRoutes(): string[] {
  const seen = new Set<string>();
  for (const r of createApp().routes) {
    if (r.method !== "POST" || r.path.includes("*")) continue;
    if (!(r.path.startsWith("/admin") || r.path === "/login")) continue;
    seen.add(r.path);
  }
  // Deleting and deactivating go last, so the rest still find what they act on.
  return [...seen].sort(
    (a, b) => Number(/delete|deactivate|revoke/.test(a)) - Number(/delete|deactivate|revoke/.test(b)),
  );
}

describe("admin routes under malformed input", () => {
  it("finds the mutating routes in the router", () => {
    expect(mutatingAdminRoutes().length).toBeGreaterThanOrEqual(25);
  });

  it("answers every malformed body below 500, without an unescaped script", async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const route of mutatingAdminRoutes()) {
      const path = concrete(route);
      for (const item of corpus()) {
        const headers: Record<string, string> = { "x-csrf-token": admin.csrf };
        if (item.contentType) headers["content-type"] = item.contentType;
        const res = await call(path, { method: "POST", cookie: admin.cookie, headers, body: item.body });
        const text = await res.text();
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) failures.push(`${route} (${item.label}): ${res.status}`);
        if (text.includes(SCRIPT)) failures.push(`${route} (${item.label}): script echoed unescaped`);
      }
    }
    expect(sent).toBeGreaterThan(300);
    // The bodies reached the routes' validation (422s), not only a guard in front of it.
    expect(statuses.get(422) ?? 0).toBeGreaterThan(30);
    expect(failures).toEqual([]);
  }, 120_000);
});

// A corpus of malformed submissions against a live form: every answer is a 4xx that says what to
// fix, never a 5xx, and no payload comes back unescaped.
import { beforeAll, describe, expect, it } from "vitest";
import { call, rows } from "../helpers";
import { adminSession } from "./connector-helpers";
import { builderBody, liveForm, NAME_FIELDS, visitorIp, webinarsFor } from "./form-helpers";

const XSS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "<svg/onload=alert(1)>",
  "javascript:alert(1)",
  "'><iframe src=javascript:alert(1)>",
  '<a href="x" onclick="alert(1)">x</a>',
  "</textarea><script>alert(1)</script>",
  "{{constructor.constructor('alert(1)')()}}",
];
const BAD_EMAILS = [
  "",
  " ",
  "plain",
  "a@",
  "@b.com",
  "a@b",
  "a b@c.com",
  "a@@b.com",
  "a@b..com",
  `${"x".repeat(250)}@example.com`,
  "a@b.com\r\nBcc: x@y.com",
  "<a@b.com>",
  "a@b.com,c@d.com",
  "😀@example.com",
];

interface Case {
  name: string;
  body: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
}

function corpus(): Case[] {
  const cases: Case[] = [];
  const urlenc = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const good = { email: "ok@example.com", firstName: "Ok", lastName: "Person" };
  for (const email of BAD_EMAILS)
    cases.push({ name: `bad email ${JSON.stringify(email).slice(0, 30)}`, body: urlenc({ ...good, email }) });
  for (const field of ["email", "firstName", "lastName"]) {
    const { [field as keyof typeof good]: _, ...rest } = good;
    cases.push({ name: `missing ${field}`, body: urlenc(rest) });
    cases.push({ name: `empty ${field}`, body: urlenc({ ...good, [field]: "" }) });
    cases.push({ name: `blank ${field}`, body: urlenc({ ...good, [field]: "   \t " }) });
    for (const n of [501, 2000, 20_000])
      cases.push({ name: `oversized ${field} ${n}`, body: urlenc({ ...good, [field]: "y".repeat(n) }) });
  }
  // HTML and script payloads in every field, alone (422 for a missing name) or with a bad email.
  for (const x of XSS) {
    for (const field of ["firstName", "lastName", "company", "custom_role"]) {
      cases.push({ name: `xss in ${field} with bad email`, body: urlenc({ ...good, email: x, [field]: x }) });
    }
    cases.push({ name: "xss as email", body: urlenc({ ...good, email: x }) });
    cases.push({ name: "xss with missing last name", body: urlenc({ email: "ok@example.com", firstName: x }) });
    cases.push({ name: "xss in a select", body: urlenc({ ...good, custom_size: x }) });
    cases.push({ name: "xss in a checkbox", body: urlenc({ ...good, custom_consent: x }) });
    // Valid otherwise, but the required consent box is not ticked: the payload comes back in the form.
    for (const field of [
      "firstName",
      "lastName",
      "company",
      "custom_role",
      "referrer",
      "utm_source",
      "utm_campaign",
      "rc_unknown",
    ]) {
      cases.push({ name: `xss in ${field}, consent missing`, body: urlenc({ ...good, [field]: x }) });
    }
  }
  // Broken encodings: bad percent escapes, invalid UTF-8, control characters.
  const broken = [
    "%E0%A4%A",
    "%FF%FE%FD",
    "%C0%AF",
    "%ED%A0%80",
    "%00",
    "%0B%1F",
    "%EF%BF%BD",
    "%",
    "%zz",
    "%F0%9F%98",
  ];
  for (const b of broken) {
    cases.push({ name: `broken encoding ${b} in name`, body: `email=ok%40example.com&firstName=A${b}&lastName=B` });
    cases.push({ name: `broken encoding ${b} in email`, body: `email=ok${b}%40example.com&firstName=A&lastName=B` });
  }
  cases.push({
    name: "latin-1 bytes",
    body: new Uint8Array([...new TextEncoder().encode("email=ok%40example.com&lastName=B&firstName="), 0xe9, 0xe8]),
  });
  // Wrong types: repeated names, files, JSON, nothing at all.
  cases.push({ name: "empty body", body: "" });
  cases.push({ name: "only separators", body: "&&&==&" });
  cases.push({ name: "keys without values", body: "email&firstName&lastName" });
  cases.push({ name: "json body", body: JSON.stringify(good), contentType: "application/json" });
  cases.push({ name: "text body", body: "hello", contentType: "text/plain" });
  cases.push({ name: "xml body", body: "<a>x</a>", contentType: "application/xml" });
  cases.push({ name: "no content type", body: urlenc({ ...good, email: "bad" }), contentType: "" });
  cases.push({
    name: "broken multipart",
    body: '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nbad',
    contentType: "multipart/form-data; boundary=x",
  });
  cases.push({ name: "multipart without boundary", body: "whatever", contentType: "multipart/form-data" });
  const fd = new FormData();
  fd.append("email", new Blob(["<script>x</script>"], { type: "text/html" }), "evil.html");
  fd.append("firstName", "A");
  fd.append("lastName", "B");
  cases.push({ name: "file as email (multipart)", body: fd, contentType: "" });
  const fd2 = new FormData();
  fd2.append("email", "bad-email");
  fd2.append("firstName", "<b>x</b>");
  cases.push({ name: "multipart bad email", body: fd2, contentType: "" });
  cases.push({ name: "select value not a choice", body: urlenc({ ...good, custom_size: "XXL" }) });
  cases.push({ name: "checkbox odd value", body: urlenc({ ...good, custom_consent: "maybe" }) });
  for (let i = 0; i < 10; i++)
    cases.push({
      name: `random noise ${i}`,
      body: urlenc({ [`k${i}`]: crypto.randomUUID(), email: `${crypto.randomUUID()}` }),
    });
  // Huge bodies: over the 64 KB limit, with and without a Content-Length that says so.
  for (const kb of [65, 200, 1024, 4096]) {
    cases.push({ name: `huge body ${kb} KB`, body: urlenc({ ...good, firstName: "z".repeat(kb * 1024) }) });
  }
  return cases;
}

let formId: string;

beforeAll(async () => {
  const session = await adminSession();
  const { webinars } = await webinarsFor(session, [{ subject: "Corpus webinar", startDays: 9 }]);
  formId = await liveForm(
    session,
    builderBody(session, {
      name: "Corpus form",
      fields: [
        ...NAME_FIELDS,
        { key: "company", label: "Company" },
        { key: "custom", custom: "role", label: "Role" },
        { key: "custom", custom: "size", type: "select", label: "Size", options: "S, M, L" },
        { key: "custom", custom: "consent", type: "checkbox", label: "Consent", required: true },
      ],
      extra: { register_webinar: webinars[0]?.id ?? "" },
    }),
  );
}, 60_000);

describe("a corpus of malformed submissions", () => {
  const cases = corpus();

  it("has at least 200 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it("answers every one with a 4xx and a clear message, never a 5xx, never an unescaped payload", async () => {
    const failures: string[] = [];
    for (const c of cases) {
      for (const htmx of [false, true]) {
        const headers: Record<string, string> = { "cf-connecting-ip": visitorIp(), ...c.headers };
        if (c.contentType === undefined) headers["content-type"] = "application/x-www-form-urlencoded";
        else if (c.contentType) headers["content-type"] = c.contentType;
        if (htmx) headers["hx-request"] = "true";
        const res = await call(`/f/${formId}`, { method: "POST", sameOrigin: false, body: c.body, headers });
        const text = await res.text();
        const label = `${c.name}${htmx ? " (htmx)" : ""}`;
        if (res.status < 400 || res.status >= 500) failures.push(`${label}: status ${res.status}`);
        if (!/Please fix|Enter |Send |too large|could not read|pick one|Tick|use at most|can't read/i.test(text)) {
          failures.push(`${label}: no clear message in ${text.slice(0, 200)}`);
        }
        for (const x of XSS) if (x.includes("<") && text.includes(x)) failures.push(`${label}: payload rendered raw`);
        if (/<script(?![^>]*\ssrc="\/(vendor|js)\/)/i.test(text))
          failures.push(`${label}: a script tag that is not ours`);
        if (/<(img|svg|iframe)\b|<a href="x"/i.test(text)) failures.push(`${label}: an injected tag`);
      }
    }
    expect(failures).toEqual([]);
    // None of them made a prospect (the checkbox is required and every case breaks something).
    expect(await rows("SELECT * FROM submissions")).toHaveLength(0);
  }, 120_000);
});

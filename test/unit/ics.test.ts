import { describe, expect, it } from "vitest";
import { calendarFile, escapeText, foldLine } from "../../src/domain/ics";

interface Component {
  name: string;
  props: { name: string; params: string; value: string }[];
  children: Component[];
}

/**
 * A strict reader of RFC 5545 content: every line ends in CRLF and holds at most 75 octets,
 * continuation lines start with one space, each line is NAME[;params]:value, BEGIN and END
 * nest. Returns the tree, so the test reads values back as a calendar program would.
 */
function parse(text: string): Component {
  expect(text.endsWith("\r\n")).toBe(true);
  expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  const physical = text.slice(0, -2).split("\r\n");
  for (const line of physical) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(" ") || line.startsWith("\t")) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  const stack: Component[] = [{ name: "", props: [], children: [] }];
  for (const line of logical) {
    const m = /^([A-Za-z0-9-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    if (!m) throw new Error(`not a content line: ${line}`);
    const [, name = "", params = "", value = ""] = m;
    const top = stack[stack.length - 1] as Component;
    if (name === "BEGIN") {
      const child = { name: value, props: [], children: [] };
      top.children.push(child);
      stack.push(child);
    } else if (name === "END") {
      expect(top.name).toBe(value);
      stack.pop();
    } else top.props.push({ name, params, value });
  }
  expect(stack).toHaveLength(1);
  const [root] = stack[0]?.children ?? [];
  if (!root) throw new Error("no component");
  return root;
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

const prop = (c: Component, name: string) => c.props.find((p) => p.name === name)?.value;

describe("the registration's calendar file (RFC 5545)", () => {
  const joinUrl = `https://global.gotowebinar.com/join/1234567890123456789/9876543210987654321?long=${"x".repeat(80)}`;
  const text = calendarFile({
    uid: "reg_abc",
    host: "rollcall.example",
    subject: "Pricing, plans; and \\ backslashes: a very long subject that goes on and on — ünïcödé ✓✓✓✓✓✓✓✓✓✓",
    description: "Line one\nLine two, with a comma",
    sessions: [
      { startTime: "2026-12-08T15:00:00.000Z", endTime: "2026-12-08T16:00:00.000Z" },
      { startTime: "2026-12-15T15:00:00Z", endTime: "2026-12-15T16:30:00Z" },
    ],
    timeZone: "America/New_York",
    joinUrl,
    now: new Date("2026-12-01T19:30:05.123Z"),
  });
  const cal = parse(text);

  it("is one VCALENDAR with version, product, and the webinar's time zone named", () => {
    expect(cal.name).toBe("VCALENDAR");
    expect(prop(cal, "VERSION")).toBe("2.0");
    expect(prop(cal, "PRODID")).toBeTruthy();
    expect(prop(cal, "X-WR-TIMEZONE")).toBe("America/New_York");
  });

  it("has one VEVENT per session with UID, DTSTAMP and UTC times", () => {
    const events = cal.children.filter((c) => c.name === "VEVENT");
    expect(events).toHaveLength(2);
    expect(events.map((e) => prop(e, "UID"))).toEqual(["reg_abc-1@rollcall.example", "reg_abc-2@rollcall.example"]);
    expect(events.map((e) => prop(e, "DTSTART"))).toEqual(["20261208T150000Z", "20261215T150000Z"]);
    expect(events.map((e) => prop(e, "DTEND"))).toEqual(["20261208T160000Z", "20261215T163000Z"]);
    for (const e of events) expect(prop(e, "DTSTAMP")).toBe("20261201T193005Z");
  });

  it("escapes text and carries the join link in URL, LOCATION and DESCRIPTION", () => {
    const [first] = cal.children;
    if (!first) throw new Error("no event");
    expect(unescapeText(prop(first, "SUMMARY") ?? "")).toBe(
      "Pricing, plans; and \\ backslashes: a very long subject that goes on and on — ünïcödé ✓✓✓✓✓✓✓✓✓✓ (session 1 of 2)",
    );
    expect(prop(first, "SUMMARY")).toContain("Pricing\\, plans\\; and \\\\ backslashes");
    expect(prop(first, "URL")).toBe(joinUrl);
    expect(unescapeText(prop(first, "LOCATION") ?? "")).toBe(joinUrl);
    expect(unescapeText(prop(first, "DESCRIPTION") ?? "")).toBe(
      `Join the webinar: ${joinUrl}\n\nLine one\nLine two, with a comma`,
    );
  });

  it("folds at 75 octets without splitting a multi-byte character", () => {
    const line = `SUMMARY:${"✓".repeat(60)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(new TextEncoder().encode(p).length).toBeLessThanOrEqual(75);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join("")).toBe(line);
    expect(foldLine("SHORT:x")).toBe("SHORT:x");
    expect(escapeText("a\r\nb\nc")).toBe("a\\nb\\nc");
  });

  it("without a join link (not yet confirmed) says the email has it and has no URL", () => {
    const bare = parse(
      calendarFile({
        uid: "reg_x",
        host: "h",
        subject: "S",
        description: null,
        sessions: [{ startTime: "2026-12-08T15:00:00Z", endTime: "2026-12-08T16:00:00Z" }],
        timeZone: null,
        joinUrl: null,
        now: new Date("2026-12-01T00:00:00Z"),
      }),
    );
    const [event] = bare.children;
    if (!event) throw new Error("no event");
    expect(prop(bare, "X-WR-TIMEZONE")).toBeUndefined();
    expect(prop(event, "URL")).toBeUndefined();
    expect(unescapeText(prop(event, "DESCRIPTION") ?? "")).toContain("confirmation email");
  });
});

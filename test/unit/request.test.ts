import { describe, expect, it } from "vitest";
import { nextIsMalformed, safeNextPath } from "../../src/lib/request";
import { HOSTILE_NEXT, isSameOriginPath } from "../next-corpus";

describe("safeNextPath", () => {
  it.each([
    ["/admin/prospects?q=a", "/admin/prospects?q=a"],
    ["/admin", "/admin"],
    ["/admin/prospects?q=a%20b#top", "/admin/prospects?q=a%20b#top"],
    ["/admin/forms/../prospects", "/admin/prospects"],
    ["/admin/prospects?q=ü", "/admin/prospects?q=%C3%BC"],
    ["/admin/%2F%2Fevil.example", "/admin/%2F%2Fevil.example"],
    [undefined, "/admin"],
    [null, "/admin"],
    ["", "/admin"],
    ["admin", "/admin"],
  ])("%j -> %s", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each(HOSTILE_NEXT.map((n) => [n]))("%j stays on the site", (input) => {
    const out = safeNextPath(input);
    expect(isSameOriginPath(out)).toBe(true);
    expect(out.startsWith("//")).toBe(false);
    expect(new URL(out, "https://rollcall.test").host).toBe("rollcall.test");
  });

  it("refuses very long values", () => {
    expect(safeNextPath(`/admin/${"a".repeat(3000)}`)).toBe("/admin");
  });
});

describe("nextIsMalformed", () => {
  it.each([
    ["/admin\r\nSet-Cookie: x=1", true],
    ["/\t/evil.example", true],
    ["/\n", true],
    ["/\u0085", true],
    ["/admin", false],
    ["/%0d%0a", false],
    [undefined, false],
  ])("%j -> %s", (input, expected) => {
    expect(nextIsMalformed(input)).toBe(expected);
  });
});

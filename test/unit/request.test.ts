import { describe, expect, it } from "vitest";
import { safeNextPath } from "../../src/lib/request";

describe("safeNextPath", () => {
  it.each([
    ["/admin/prospects?q=a", "/admin/prospects?q=a"],
    ["/admin", "/admin"],
    [undefined, "/admin"],
    ["", "/admin"],
    ["https://evil.example/", "/admin"],
    ["//evil.example/x", "/admin"],
    ["/\\evil.example", "/admin"],
    ["admin", "/admin"],
  ])("%s -> %s", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });
});

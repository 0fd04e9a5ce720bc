import { describe, expect, it } from "vitest";
import { plural, pluralWord } from "../../src/lib/plural";

describe("plural", () => {
  it.each([
    [0, "prospect", undefined, "0 prospects"],
    [1, "prospect", undefined, "1 prospect"],
    [2, "minute", undefined, "2 minutes"],
    [1200, "webinar", undefined, "1,200 webinars"],
    [1, "activity", "activities", "1 activity"],
    [3, "activity", "activities", "3 activities"],
  ])("%i %s", (count, one, many, expected) => {
    expect(plural(count, one, many)).toBe(expected);
  });
});

describe("pluralWord", () => {
  it.each([
    [0, "user", "users"],
    [1, "user", "user"],
    [2, "key", "keys"],
  ])("%i %s", (count, one, expected) => {
    expect(pluralWord(count, one)).toBe(expected);
  });
});

/**
 * `next` values that must never take a logged-in user off the site (shared by the unit and HTTP
 * tests of the post-login redirect). Browsers drop tabs and newlines from URLs, read `\` as `/`
 * and trim some whitespace, so each of these would reach another host if passed through.
 */
export const HOSTILE_NEXT: readonly string[] = [
  "/\t/evil.example",
  "/%09/evil.example",
  "\t//evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/admin\r\nSet-Cookie: stolen=1",
  "/admin\rLocation: https://evil.example",
  "/%0d%0a/evil.example",
  "\\evil.example",
  "\\\\evil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "\\/evil.example",
  "//evil.example",
  "///evil.example",
  "////evil.example/x",
  "/.//evil.example",
  "/..//evil.example",
  "/a/../..//evil.example",
  "https://evil.example/",
  "http://evil.example",
  "HTTPS://evil.example",
  "https:evil.example",
  "http:/evil.example",
  "//evil.example@localhost",
  "/ /evil.example",
  "/\u00a0/evil.example",
  "/\u3000/evil.example",
  "/\u2028/evil.example",
  "/\ufeff/evil.example",
  "/\u202e/evil.example",
  "/\u200b/evil.example",
  "\u00a0//evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "/javascript:alert(1)//",
  "data:text/html,<script>alert(1)</script>",
  "evil.example",
  "",
  "/\u0000/evil.example",
];

/** Where a redirect may point: a path on our own site (one slash, then not another slash or backslash). */
export function isSameOriginPath(location: string | null): boolean {
  if (location === null || !/^\/(?![/\\])/.test(location)) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(location)) return false;
  return new URL(location, "https://rollcall.test").origin === "https://rollcall.test";
}

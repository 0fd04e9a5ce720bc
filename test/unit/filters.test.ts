import { describe, expect, it } from "vitest";
import { type FilterRule, matchFilter, parseCidr, parseIp, validateFilter } from "../../src/domain/filters";

describe("validateFilter", () => {
  it.each([
    ["ip_range", "203.0.113.0/24", "203.0.113.0/24"],
    ["ip_range", " 10.0.0.0/8 ", "10.0.0.0/8"],
    ["ip_range", "192.0.2.7", "192.0.2.7/32"],
    ["ip_range", "0.0.0.0/0", "0.0.0.0/0"],
    ["ip_range", "2001:db8::/32", "2001:db8::/32"],
    ["ip_range", "2001:DB8:0:0::/64", "2001:db8::/64"],
    ["ip_range", "::1", "::1/128"],
    ["ip_range", "::ffff:192.0.2.0/120", "::ffff:c000:200/120"],
    ["email_domain", "Acme.COM", "acme.com"],
    ["email_domain", "@acme.co.uk", "acme.co.uk"],
  ] as const)("%s %s is kept as %s", (kind, input, expected) => {
    expect(validateFilter(kind, input)).toEqual({ value: expected });
  });

  it.each([
    ["ip_range", "203.0.113.0/33", /0 to 32/],
    ["ip_range", "203.0.113.5/24", /did you mean 203\.0\.113\.0\/24/],
    ["ip_range", "256.1.1.1/32", /IPv4 or IPv6/],
    ["ip_range", "1.2.3/24", /IPv4 or IPv6/],
    ["ip_range", "01.2.3.4", /IPv4 or IPv6/],
    ["ip_range", "2001:db8::/129", /0 to 128/],
    ["ip_range", "2001:db8:::1", /IPv4 or IPv6/],
    ["ip_range", "1:2:3:4:5:6:7:8:9", /IPv4 or IPv6/],
    ["ip_range", "10.0.0.0/8/8", /one slash/],
    ["ip_range", "", /IPv4 or IPv6/],
    ["ip_range", "<script>", /IPv4 or IPv6/],
    ["email_domain", "acme", /domain like/],
    ["email_domain", "a b.com", /domain like/],
    ["email_domain", "acme.com/x", /domain like/],
    ["email_domain", "", /domain like/],
  ] as const)("%s %s is refused", (kind, input, message) => {
    const out = validateFilter(kind, input);
    expect("error" in out && out.error).toMatch(message);
  });
});

describe("parseIp", () => {
  it.each([
    ["192.0.2.1", 4],
    ["::ffff:192.0.2.1", 4],
    ["2001:db8::1", 6],
    ["fe80::1%eth0", 6],
    ["1:2:3:4:5:6:7:8", 6],
  ] as const)("%s is IPv%i", (ip, version) => {
    expect(parseIp(ip)?.version).toBe(version);
  });
  it.each(["", "local", "1.2.3.4.5", "::g", "1::2::3", "300.1.1.1"])("%s is not an address", (ip) => {
    expect(parseIp(ip)).toBeNull();
  });
});

describe("matchFilter", () => {
  const rules: FilterRule[] = [
    { id: "1", kind: "ip_range", value: "203.0.113.0/24" },
    { id: "2", kind: "ip_range", value: "2001:db8:aa::/48" },
    { id: "3", kind: "email_domain", value: "acme.com" },
  ];
  it.each([
    ["203.0.113.0", "a@example.com", "IP range 203.0.113.0/24"],
    ["203.0.113.255", "a@example.com", "IP range 203.0.113.0/24"],
    ["::ffff:203.0.113.9", "a@example.com", "IP range 203.0.113.0/24"],
    ["203.0.114.0", "a@example.com", null],
    ["203.0.112.255", "a@example.com", null],
    ["2001:db8:aa:ffff::1", "a@example.com", "IP range 2001:db8:aa::/48"],
    ["2001:db8:ab::1", "a@example.com", null],
    [null, "Someone@ACME.com", "email domain acme.com"],
    ["198.51.100.1", "x@mail.acme.com", "email domain acme.com"],
    ["198.51.100.1", "x@notacme.com", null],
    ["198.51.100.1", "x@acme.com.evil.test", null],
    ["local", "x@example.com", null],
  ] as const)("ip %s, email %s → %s", (ip, email, expected) => {
    expect(matchFilter(rules, { ip, email })).toBe(expected);
  });

  it("a /0 matches every address of its family only", () => {
    const all = [{ id: "x", kind: "ip_range" as const, value: "0.0.0.0/0" }];
    expect(matchFilter(all, { ip: "8.8.8.8", email: "a@b.co" })).toBe("IP range 0.0.0.0/0");
    expect(matchFilter(all, { ip: "2001:db8::1", email: "a@b.co" })).toBeNull();
  });

  it("parseCidr of a bare v6 address is a /128", () => {
    expect(parseCidr("2001:db8::1")).toMatchObject({ version: 6, prefix: 128 });
  });
});

/**
 * The account's filters: IP ranges in CIDR notation (IPv4 and IPv6) and email domains.
 * Pure: parsing, validation and matching, with no bindings, so the rules are table-tested.
 */

export type FilterKind = "ip_range" | "email_domain";

export interface FilterRule {
  id: string;
  kind: FilterKind;
  value: string;
}

export interface ParsedCidr {
  version: 4 | 6;
  /** The address as a big integer (32 or 128 bits). */
  network: bigint;
  prefix: number;
}

/** Parses a dotted IPv4 address; null when it is not exactly four decimal octets. */
export function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let out = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith("0"))) return null;
    const n = Number(part);
    if (n > 255) return null;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

/** Parses an IPv6 address (with `::` compression and an optional trailing IPv4); null if invalid. */
export function parseIpv6(input: string): bigint | null {
  let text = input.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (!/^[0-9a-f:.]+$/.test(text)) return null;
  if (text.includes(".")) {
    // An embedded IPv4 tail (::ffff:192.0.2.1) becomes its two hex groups.
    const lastColon = text.lastIndexOf(":");
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const group = (s: string): bigint[] | null => {
    if (s === "") return [];
    const out: bigint[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = group(halves[0] ?? "");
  const rest = halves.length === 2 ? group(halves[1] ?? "") : [];
  if (!head || !rest) return null;
  const given = head.length + rest.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (given > 7) return null;
    groups = [...head, ...Array<bigint>(8 - given).fill(0n), ...rest];
  } else {
    if (given !== 8) return null;
    groups = head;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An address of either family, as the version and its integer; IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(text: string): { version: 4 | 6; value: bigint } | null {
  const trimmed = text.trim();
  const v4 = parseIpv4(trimmed);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseIpv6(trimmed);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
  return { version: 6, value: v6 };
}

/** `203.0.113.0/24`, `2001:db8::/32`, or a bare address (a /32 or /128). Host bits must be zero. */
export function parseCidr(text: string): ParsedCidr | { error: string } {
  const trimmed = text.trim();
  const [addr = "", prefixText, ...extra] = trimmed.split("/");
  if (extra.length > 0) return { error: "Use one slash, like 203.0.113.0/24." };
  const v4 = parseIpv4(addr);
  const v6 = v4 === null ? parseIpv6(addr) : null;
  if (v4 === null && v6 === null) {
    return { error: "Enter an IPv4 or IPv6 range, like 203.0.113.0/24 or 2001:db8::/32." };
  }
  const version = v4 !== null ? 4 : 6;
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      return { error: `The prefix after the slash must be 0 to ${bits} for IPv${version}.` };
    }
    prefix = Number(prefixText);
  }
  const network = (v4 ?? v6) as bigint;
  const hostBits = BigInt(bits - prefix);
  if (hostBits > 0n && (network & ((1n << hostBits) - 1n)) !== 0n) {
    return {
      error: `The address has bits set beyond /${prefix}: did you mean ${formatNetwork(version, network, prefix)}?`,
    };
  }
  return { version, network, prefix };
}

function formatNetwork(version: 4 | 6, value: bigint, prefix: number): string {
  const bits = version === 4 ? 32 : 128;
  const hostBits = BigInt(bits - prefix);
  const net = (value >> hostBits) << hostBits;
  if (version === 4) {
    return `${[24n, 16n, 8n, 0n].map((s) => String((net >> s) & 255n)).join(".")}/${prefix}`;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((net >> BigInt(i * 16)) & 0xffffn).toString(16));
  return `${groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::")}/${prefix}`;
}

export function ipInRange(ip: string, range: ParsedCidr): boolean {
  const parsed = parseIp(ip);
  if (!parsed || parsed.version !== range.version) return false;
  const bits = range.version === 4 ? 32 : 128;
  const shift = BigInt(bits - range.prefix);
  return parsed.value >> shift === range.network >> shift;
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A bare domain like `acme.com`, lower-cased; `@acme.com` is accepted and trimmed. */
export function normalizeDomain(text: string): string | { error: string } {
  const d = text.trim().toLowerCase().replace(/^@/, "").replace(/\.$/, "");
  if (!DOMAIN.test(d)) return { error: "Enter a domain like acme.com (no @, no spaces, no path)." };
  return d;
}

/** Checks and normalizes a new filter's value; the error says what to type instead. */
export function validateFilter(kind: FilterKind, value: string): { value: string } | { error: string } {
  if (kind === "email_domain") {
    const d = normalizeDomain(value);
    return typeof d === "string" ? { value: d } : d;
  }
  const parsed = parseCidr(value);
  if ("error" in parsed) return parsed;
  return { value: formatNetwork(parsed.version, parsed.network, parsed.prefix) };
}

/** The rule a submission matches, described for the marketer; null when none does. */
export function matchFilter(rules: readonly FilterRule[], input: { ip: string | null; email: string }): string | null {
  const domain = input.email.toLowerCase().split("@").pop() ?? "";
  for (const rule of rules) {
    if (rule.kind === "email_domain") {
      if (domain === rule.value || domain.endsWith(`.${rule.value}`)) return `email domain ${rule.value}`;
    } else if (input.ip) {
      const range = parseCidr(rule.value);
      if (!("error" in range) && ipInRange(input.ip, range)) return `IP range ${rule.value}`;
    }
  }
  return null;
}

/**
 * GoTo sends 64-bit keys as bare JSON numbers in some fields and as strings in others. The
 * simulator keeps every key as a decimal string and writes the JSON text itself, so a key like
 * 8123456789012345678 leaves as exactly those digits and is never rounded through a JS number.
 */

/** A key to be written as a bare JSON number (its digits verbatim). */
export class JsonInt {
  constructor(readonly digits: string) {}
}

/** Marks a decimal-string key for output as a bare JSON number. */
export function num(digits: string): JsonInt {
  return new JsonInt(digits);
}

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | JsonInt
  | JsonValue[]
  | { [key: string]: JsonValue };

/** JSON text of a value; JsonInt becomes bare digits, undefined object members are left out. */
export function toJson(value: JsonValue): string {
  if (value instanceof JsonInt) {
    if (!/^-?\d+$/.test(value.digits)) throw new Error(`not an integer key: ${value.digits}`);
    return value.digits;
  }
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(toJson).join(",")}]`;
  if (typeof value === "object") {
    const parts: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) parts.push(`${JSON.stringify(key)}:${toJson(member)}`);
    }
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A JSON response written with toJson. */
export function jsonText(value: JsonValue, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(toJson(value), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
  });
}

type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * Parses request JSON without losing big integers: any integer literal outside the safe range
 * comes back as its decimal string (a client may send questionKey 17000000000000000001 as a
 * number). Uses the reviver's source text (V8's JSON.parse source access). Returns undefined
 * for text that is not JSON.
 */
export function parseLossless(text: string): unknown {
  const reviver: Reviver = (_key, value, context) => {
    if (
      typeof value === "number" &&
      !Number.isSafeInteger(value) &&
      context?.source &&
      /^-?\d+$/.test(context.source)
    ) {
      return context.source;
    }
    return value;
  };
  try {
    return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
  } catch {
    return undefined;
  }
}

import { jsonText, parseLossless } from "./json";
import type { AmbiguousKind, BadAnswerKind, SimSettings } from "./settings";
import { newIncident } from "./storage";

/**
 * The answer faults of `PUT /sim/control/faults`: what a misbehaving GoTo (or the proxies in front
 * of it) does to an answer. Some act before the request reaches the API (an injected 5xx, an HTML
 * error page from a gateway), the others after it took effect (a cut-off or unusable body, a 500
 * or a body that never ends), which is what makes "registered, but we did not hear it" happen.
 */

/** A hung answer is given up by the simulator itself after this long (longer than any client deadline). */
const HANG_CAP_MS = 90_000;
/** How many pieces a slow body trickles out in. */
const TRICKLE_CHUNKS = 10;

export function pick<T>(list: readonly T[]): T {
  const item = list[Math.floor(Math.random() * list.length)] ?? list[0];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

export function chance(rate: number): boolean {
  return rate > 0 && Math.random() < rate;
}

/** Whether the answer faults apply to this GoTo path (`/G2W/rest/v2/...`, without `/sim`). */
export function pathMatches(settings: SimSettings, goToPath: string): boolean {
  if (settings.paths === null) return true;
  try {
    return new RegExp(settings.paths).test(goToPath);
  } catch {
    return false;
  }
}

/** GoTo's JSON 500/503, as the API answers when it fails inside. */
export function injectedFailure(status: 500 | 503 = Math.random() < 0.5 ? 500 : 503): Response {
  return jsonText(
    {
      errorCode: status === 500 ? "InternalServerError" : "ServiceUnavailable",
      description: status === 500 ? "An internal error occurred." : "The service is temporarily unavailable.",
      incident: newIncident(),
    },
    status,
  );
}

function htmlPage(status: number, title: string): Response {
  const body = `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>The server encountered a temporary error and could not complete your request.</p></body></html>\n`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=UTF-8" } });
}

/** The load balancer's 502 page: nothing reached the API. */
export function htmlErrorPage(): Response {
  return htmlPage(502, "502 Bad Gateway");
}

/** Fields worth breaking, most telling first: keys are deleted (a missing key), the rest get the wrong type. */
const KEY_FIELDS = ["registrantKey", "webinarKey", "sessionKey", "key", "webhookKey", "userSubscriptionKey"];
const OTHER_FIELDS = ["email", "times", "startTime", "subject", "access_token", "expires_in", "page", "_embedded"];

function holderOf(value: unknown, field: string): Record<string, unknown> | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = holderOf(item, field);
      if (found) return found;
    }
    return null;
  }
  if (value === null || typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  if (field in record) return record;
  for (const member of Object.values(record)) {
    const found = holderOf(member, field);
    if (found) return found;
  }
  return null;
}

/** The same JSON with one field missing or of the wrong type (or, with nothing to break, the wrong root). */
export function withWrongFields(text: string): string {
  const json = parseLossless(text);
  if (json === undefined) return '"unexpected"';
  for (const field of [...KEY_FIELDS, ...OTHER_FIELDS]) {
    const holder = holderOf(json, field);
    if (!holder) continue;
    if (KEY_FIELDS.includes(field) && Math.random() < 0.5) delete holder[field];
    else holder[field] = typeof holder[field] === "object" && holder[field] !== null ? "unexpected" : { unexpected: 1 };
    return JSON.stringify(json);
  }
  return '"unexpected"';
}

function headersOf(response: Response): Headers {
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return headers;
}

/** An unusable answer of `kind`, built from the API's real one (so the call took effect). */
export async function badAnswer(kind: Exclude<BadAnswerKind, "htmlErrorPage">, response: Response): Promise<Response> {
  const text = await response.text();
  const init = { status: response.status, headers: headersOf(response) };
  switch (kind) {
    case "htmlOk":
      return htmlPage(200, "Service maintenance");
    case "truncated":
      return new Response(response.status === 204 ? null : text.slice(0, Math.floor(text.length / 2)), init);
    case "empty":
      return new Response(response.status === 204 ? null : "", init);
    case "wrongFields":
      if (!response.ok || response.status === 204 || text === "") return new Response(text || null, init);
      return new Response(withWrongFields(text), init);
  }
}

/**
 * After the call took effect: a 500, or an answer whose headers arrive and whose body stops halfway
 * and never ends (the client's deadline must cover the body to notice).
 */
export async function ambiguousAnswer(kind: AmbiguousKind, response: Response): Promise<Response> {
  if (kind === "error500") {
    await response.body?.cancel();
    return injectedFailure(500);
  }
  const text = await response.text();
  const head = new TextEncoder().encode(text.slice(0, Math.floor(text.length / 2)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length > 0) controller.enqueue(head);
      timer = setTimeout(() => controller.error(new Error("the simulator gave up a hung answer")), HANG_CAP_MS);
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
    },
  });
  const headers = headersOf(response);
  if (!headers.has("content-type")) headers.set("content-type", "application/json;charset=UTF-8");
  return new Response(body, { status: response.status === 204 ? 200 : response.status, headers });
}

/** The same answer, its body trickling out in pieces over `ms`. */
export async function trickle(response: Response, ms: number): Promise<Response> {
  if (response.status === 204 || response.body === null) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const size = Math.max(1, Math.ceil(bytes.length / TRICKLE_CHUNKS));
  const pause = ms / TRICKLE_CHUNKS;
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, pause);
      });
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
    },
  });
  return new Response(body, { status: response.status, headers: headersOf(response) });
}

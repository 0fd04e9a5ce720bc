import { describe, expect, it } from "vitest";
import {
  errorFromResponse,
  explainGoToError,
  GoToBadAnswerError,
  GoToDuplicateRegistrantError,
  GoToError,
  GoToInvalidClientError,
  GoToInvalidGrantError,
  GoToInvalidTokenError,
  GoToNetworkError,
  GoToNotFoundError,
  GoToOAuthError,
  GoToRateLimitedError,
  GoToRequestError,
  GoToServerError,
  GoToTimeoutError,
  GoToValidationError,
  oauthErrorFromResponse,
} from "../../src/gotowebinar/errors";
import { looksCutOff, readAnswer, transportError, validate } from "../../src/gotowebinar/request";
import { MeSchema } from "../../src/gotowebinar/schemas";

// Hand-built answers are fine here: this file tests the mapping from GoTo's documented error
// answers to our classes. The client's behaviour against real answers is in test/integration.
function answer(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "application/json", ...headers } });
}

describe("errorFromResponse", () => {
  it("maps 403 InvalidToken (not 401) to GoToInvalidTokenError, not retryable until refreshed", async () => {
    const error = await errorFromResponse(
      answer(403, '{"int_err_code":"InvalidToken","msg":"Invalid token passed"}', {
        "x-amzn-errortype": "UnauthorizedException",
      }),
      "get webinar",
    );
    expect(error).toBeInstanceOf(GoToInvalidTokenError);
    expect(error).toBeInstanceOf(GoToError);
    expect(error).toMatchObject({
      status: 403,
      retryable: false,
      mayHaveTakenEffect: false,
      errorCode: "InvalidToken",
    });
    expect(error.message).toContain("Invalid token passed");
    expect(error.name).toBe("GoToInvalidTokenError");
  });

  it("maps any other 403 to GoToRequestError", async () => {
    const error = await errorFromResponse(
      answer(403, '{"errorCode":"Forbidden","description":"Not your webinar"}'),
      "x",
    );
    expect(error).toBeInstanceOf(GoToRequestError);
    expect(error).not.toBeInstanceOf(GoToInvalidTokenError);
  });

  it("maps 429 to GoToRateLimitedError, retryable for any call, with Retry-After when sent", async () => {
    const plain = await errorFromResponse(answer(429, ""), "x");
    expect(plain).toBeInstanceOf(GoToRateLimitedError);
    expect(plain).toMatchObject({ retryable: true, mayHaveTakenEffect: false, retryAfterMs: null });
    const withHeader = await errorFromResponse(answer(429, "{}", { "retry-after": "2" }), "x");
    expect((withHeader as GoToRateLimitedError).retryAfterMs).toBe(2000);
  });

  it("maps 409 DuplicateRegistrant to GoToDuplicateRegistrantError with the existing key exact", async () => {
    const error = await errorFromResponse(
      answer(
        409,
        '{"errorCode":"DuplicateRegistrant","description":"The user is already registered.","incident":3712345678901234567,"registrantKey":6123456789012345678,"joinUrl":"https://global.gotowebinar.com/join/1/2"}',
      ),
      "create registrant",
    );
    expect(error).toBeInstanceOf(GoToDuplicateRegistrantError);
    expect(error).toMatchObject({
      registrantKey: "6123456789012345678",
      joinUrl: "https://global.gotowebinar.com/join/1/2",
      incident: "3712345678901234567",
      description: "The user is already registered.",
      retryable: false,
    });
  });

  it("maps 400 to GoToValidationError carrying GoTo's description", async () => {
    const error = await errorFromResponse(
      answer(400, '{"errorCode":"InvalidRequest","description":"Question Team size? is required.","incident":"9123"}'),
      "create registrant",
    );
    expect(error).toBeInstanceOf(GoToValidationError);
    expect(error).toMatchObject({
      errorCode: "InvalidRequest",
      description: "Question Team size? is required.",
      incident: "9123",
    });
    expect(error.message).toBe("create registrant: GoTo answered 400: Question Team size? is required.");
  });

  it("maps 404 (business body or unrouted-path body) to GoToNotFoundError", async () => {
    const business = await errorFromResponse(
      answer(404, '{"errorCode":"NotFound","description":"Webinar with specified key does not exist."}'),
      "get webinar",
    );
    expect(business).toBeInstanceOf(GoToNotFoundError);
    expect((business as GoToNotFoundError).description).toBe("Webinar with specified key does not exist.");
    const unrouted = await errorFromResponse(answer(404, '{"errorCode":"NOT_FOUND","message":"No route"}'), "x");
    expect(unrouted).toBeInstanceOf(GoToNotFoundError);
    expect((unrouted as GoToNotFoundError).description).toBe("No route");
  });

  it("maps 500 and 503 (JSON or not) to GoToServerError, retryable but maybe done", async () => {
    for (const status of [500, 502, 503]) {
      const error = await errorFromResponse(answer(status, "<html>Service Unavailable</html>"), "x");
      expect(error).toBeInstanceOf(GoToServerError);
      expect(error).toMatchObject({ status, retryable: true, mayHaveTakenEffect: true });
    }
  });

  it("tells an HTML error page (a proxy's 502) from GoTo's own JSON 5xx", async () => {
    const page = await errorFromResponse(
      answer(502, "<!DOCTYPE html><html><h1>502 Bad Gateway</h1></html>", { "content-type": "text/html" }),
      "list registrants",
    );
    expect(page).toMatchObject({ status: 502, htmlPage: true, retryable: true, mayHaveTakenEffect: true });
    const own = await errorFromResponse(answer(500, '{"errorCode":"InternalServerError","description":"x"}'), "x");
    expect(own).toMatchObject({ status: 500, htmlPage: false });
  });

  it("maps 405 and a 409 that is not a duplicate registrant to GoToRequestError", async () => {
    expect(await errorFromResponse(answer(405, "{}"), "x")).toBeInstanceOf(GoToRequestError);
    const conflict = await errorFromResponse(answer(409, '{"errorCode":"WebinarInSession"}'), "x");
    expect(conflict).toBeInstanceOf(GoToRequestError);
    expect(conflict).not.toBeInstanceOf(GoToDuplicateRegistrantError);
  });
});

describe("oauthErrorFromResponse", () => {
  it("maps invalid_grant and invalid_client to their own classes", async () => {
    const grant = await oauthErrorFromResponse(
      answer(400, '{"error":"invalid_grant","error_description":"code already used"}'),
      "exchange",
    );
    expect(grant).toBeInstanceOf(GoToInvalidGrantError);
    expect(grant).toMatchObject({ error: "invalid_grant", errorDescription: "code already used", retryable: false });
    const client = await oauthErrorFromResponse(
      answer(401, '{"error":"invalid_client","error_description":"client not found"}'),
      "x",
    );
    expect(client).toBeInstanceOf(GoToInvalidClientError);
    expect(client).toBeInstanceOf(GoToOAuthError);
  });

  it("keeps other RFC 6749 codes on GoToOAuthError", async () => {
    const error = await oauthErrorFromResponse(answer(400, '{"error":"unsupported_grant_type"}'), "x");
    expect(error).toBeInstanceOf(GoToOAuthError);
    expect(error).not.toBeInstanceOf(GoToInvalidGrantError);
    expect((error as GoToOAuthError).error).toBe("unsupported_grant_type");
  });

  it("maps a 5xx without an RFC 6749 body to GoToServerError, other bodies to unexpected", async () => {
    expect(await oauthErrorFromResponse(answer(503, "busy"), "x")).toBeInstanceOf(GoToServerError);
    const page = await oauthErrorFromResponse(answer(400, "<html/>", { "content-type": "text/html" }), "x");
    expect(page).toBeInstanceOf(GoToBadAnswerError);
    expect(page).toMatchObject({ reason: "html", retryable: true });
  });
});

const ME = '{"key":123,"accountKey":456,"email":"o@example.com","firstName":"O","lastName":"P"}';

describe("validate: a 2xx answer Rollcall cannot use is GoToBadAnswerError, retryable like a 5xx", () => {
  const headers = (type: string) => new Headers({ "content-type": type });
  it.each([
    ["empty", "", "application/json"],
    ["empty", "  \n", "application/json"],
    ["html", "<!DOCTYPE html><html></html>", "text/html"],
    ["html", "<html>maintenance</html>", "application/json"],
    ["truncated", ME.slice(0, 30), "application/json"],
    ["truncated", '[{"a":"b', "application/json"],
    ["not_json", "Service OK", "text/plain"],
    ["not_json", "{nope}", "application/json"],
    ["wrong_fields", '{"email":"o@example.com"}', "application/json"],
    ["wrong_fields", '"unexpected"', "application/json"],
  ])("%s: %j", (reason, text, type) => {
    let error: unknown;
    try {
      validate(MeSchema, { text, headers: headers(type) }, 200, "get me");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GoToBadAnswerError);
    expect(error).toMatchObject({ reason, status: 200, retryable: true, mayHaveTakenEffect: true });
  });

  it("accepts the real answer", () => {
    expect(validate(MeSchema, { text: ME, headers: headers("application/json") }, 200, "get me").email).toBe(
      "o@example.com",
    );
  });

  it.each([
    ['{"a":1', true],
    ['{"a":"}', true],
    ['{"a":"\\\\"}', false],
    ['{"a":"\\"}', true],
    ["[1,2]", false],
    ["{nope}", false],
    ["plain", false],
  ])("looksCutOff(%j) is %s", (text, cut) => {
    expect(looksCutOff(text)).toBe(cut);
  });
});

describe("readAnswer: one deadline and a size bound for the whole body", () => {
  it("a body that stops coming is a timeout when the deadline passes, and is cancelled", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"key":'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const deadline = new AbortController();
    const reading = readAnswer(new Response(body), deadline.signal, "get me");
    deadline.abort(new DOMException("The operation timed out.", "TimeoutError"));
    const error = await reading.then(
      () => null,
      (e: unknown) => transportError(e, deadline.signal, 15_000, "get me"),
    );
    expect(error).toBeInstanceOf(GoToTimeoutError);
    expect(cancelled).toBe(true);
  });

  it("a body shorter than its content-length is cut off; one over the bound is too large", async () => {
    const short = new Response("abc", { headers: { "content-length": "10" } });
    await expect(readAnswer(short, new AbortController().signal, "x")).rejects.toMatchObject({ reason: "truncated" });
    const long = new Response("x".repeat(101));
    await expect(readAnswer(long, new AbortController().signal, "x", 100)).rejects.toMatchObject({
      reason: "too_large",
    });
    const fits = await readAnswer(new Response("x".repeat(100)), new AbortController().signal, "x", 100);
    expect(fits.text).toHaveLength(100);
  });
});

describe("explainGoToError: one sentence per kind, for the webinar and connector pages", () => {
  const named = <E extends GoToError>(error: E): E => {
    error.call = "list registrants";
    return error;
  };
  it.each([
    [
      new GoToServerError("m", 502, undefined, true),
      "GoTo answered with an HTML error page (502) when asked to list registrants.",
    ],
    [new GoToServerError("m", 500), "GoTo had an internal error (500) when asked to list registrants."],
    [new GoToServerError("m", 503), "GoTo was temporarily unavailable (503) when asked to list registrants."],
    [new GoToTimeoutError(15_000), "GoTo did not finish answering within 15 s when asked to list registrants."],
    [new GoToBadAnswerError("m", 200, "truncated", ""), "GoTo's answer was cut off when asked to list registrants."],
    [
      new GoToBadAnswerError("m", 200, "html", ""),
      "GoTo answered with a web page instead of data (200) when asked to list registrants.",
    ],
    [new GoToBadAnswerError("m", 200, "empty", ""), "GoTo's answer was empty when asked to list registrants."],
    [
      new GoToBadAnswerError("m", 200, "not_json", ""),
      "GoTo's answer was not readable data when asked to list registrants.",
    ],
    [
      new GoToBadAnswerError("m", 200, "wrong_fields", ""),
      "GoTo's answer had fields missing or of the wrong type when asked to list registrants.",
    ],
    [
      new GoToBadAnswerError("m", 200, "too_large", ""),
      "GoTo's answer was larger than 5 MB when asked to list registrants.",
    ],
    [
      new GoToRateLimitedError("m", 429, { errorCode: null, description: null, incident: null }, null),
      "GoTo asked Rollcall to slow down (429) when asked to list registrants.",
    ],
    [new GoToNetworkError("m"), "Rollcall could not reach GoTo when asked to list registrants."],
  ])("%s", (error, sentence) => {
    expect(explainGoToError(named(error))).toBe(sentence);
  });
});

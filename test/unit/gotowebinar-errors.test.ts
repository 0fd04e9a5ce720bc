import { describe, expect, it } from "vitest";
import {
  errorFromResponse,
  GoToDuplicateRegistrantError,
  GoToError,
  GoToInvalidClientError,
  GoToInvalidGrantError,
  GoToInvalidTokenError,
  GoToNotFoundError,
  GoToOAuthError,
  GoToRateLimitedError,
  GoToRequestError,
  GoToServerError,
  GoToUnexpectedResponseError,
  GoToValidationError,
  oauthErrorFromResponse,
} from "../../src/gotowebinar/errors";

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
    expect(await oauthErrorFromResponse(answer(400, "<html/>"), "x")).toBeInstanceOf(GoToUnexpectedResponseError);
  });
});

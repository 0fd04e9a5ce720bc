import { describe, expect, it } from "vitest";
import {
  DecryptionError,
  decryptSecret,
  encryptSecret,
  importSecretsKey,
  SecretsKeyError,
} from "../../src/lib/secrets";

const KEY = "q83vEjkc8Dx6fdyd8Zz7yXgJx0YwTn1Pnq9xRtBSrRk=";

describe("secrets at rest (AES-GCM)", () => {
  it("round-trips, with a fresh IV each time", async () => {
    const key = await importSecretsKey(KEY);
    const a = await encryptSecret(key, "token-123", "ctx");
    const b = await encryptSecret(key, "token-123", "ctx");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    expect(await decryptSecret(key, a, "ctx")).toBe("token-123");
  });

  it("refuses an altered ciphertext, another context or another key", async () => {
    const key = await importSecretsKey(KEY);
    const sealed = await encryptSecret(key, "token-123", "ctx");
    const [v, iv, data] = sealed.split(".");
    const flipped = `${v}.${iv}.${(data ?? "").replace(/^./, (c) => (c === "A" ? "B" : "A"))}`;
    await expect(decryptSecret(key, flipped, "ctx")).rejects.toBeInstanceOf(DecryptionError);
    await expect(decryptSecret(key, sealed, "other")).rejects.toBeInstanceOf(DecryptionError);
    await expect(decryptSecret(key, "garbage", "ctx")).rejects.toBeInstanceOf(DecryptionError);
    const other = await importSecretsKey(btoa("x".repeat(32)));
    await expect(decryptSecret(other, sealed, "ctx")).rejects.toBeInstanceOf(DecryptionError);
  });

  it.each([
    [undefined, /not set/],
    ["", /not set/],
    ["%%%", /not valid base64/],
    [btoa("short"), /must be 32 bytes/],
  ])("explains a bad SECRETS_KEY (%s)", (value, message) => {
    expect(() => importSecretsKey(value)).toThrow(SecretsKeyError);
    expect(() => importSecretsKey(value)).toThrow(message);
  });
});

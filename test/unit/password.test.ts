import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, PBKDF2_ITERATIONS, verifyPassword } from "../../src/auth/password";

describe("password hashing", () => {
  it("records scheme, iterations and salt with the hash", async () => {
    const stored = await hashPassword("correct horse battery");
    const [scheme, iterations, salt, hash] = stored.split("$");
    expect(scheme).toBe("pbkdf2-sha256");
    expect(Number(iterations)).toBe(PBKDF2_ITERATIONS);
    expect(salt).toHaveLength(24); // 16 bytes, base64
    expect(hash).toHaveLength(44); // 32 bytes, base64
    expect(stored).not.toContain("correct horse battery");
  });

  it("salts per hash, so equal passwords hash differently", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("right password");
    expect(await verifyPassword("right password", stored)).toBe(true);
    expect(await verifyPassword("wrong password", stored)).toBe(false);
    expect(await verifyPassword("right passwor", stored)).toBe(false);
  });

  it.each([
    ["", "empty"],
    ["bcrypt$10$abc$def", "another scheme"],
    ["pbkdf2-sha256$abc$AAAA$AAAA", "iterations not a number"],
    ["pbkdf2-sha256$500000$AAAA$AAAA", "iterations above what workerd allows"],
    ["pbkdf2-sha256$1000$%%%$AAAA", "salt not base64"],
  ])("refuses a malformed stored hash (%s: %s)", async (stored) => {
    expect(await verifyPassword("anything", stored)).toBe(false);
  });

  it("verifies hashes made with fewer iterations, and flags them for rehashing", async () => {
    const current = await hashPassword("pw");
    const [, , salt, hash] = current.split("$");
    // A hash recorded with 1,000 iterations does not verify with the current hash bytes...
    const weaker = `pbkdf2-sha256$1000$${salt}$${hash}`;
    expect(await verifyPassword("pw", weaker)).toBe(false);
    expect(needsRehash(weaker)).toBe(true);
    expect(needsRehash(current)).toBe(false);
  });
});

import { fromBase64, randomBytes, toBase64 } from "./encoding";

/**
 * AES-256-GCM for secrets at rest (OAuth tokens, webhook secrets), under the Worker secret
 * SECRETS_KEY (base64 of 32 bytes). Stored form: `v1.<iv b64>.<ciphertext+tag b64>`; the version
 * prefix lets a later key rotation tell old from new. An optional context string is bound as
 * additional data, so a ciphertext copied to another row (another connector) does not decrypt.
 */
export class SecretsKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretsKeyError";
  }
}

export class DecryptionError extends Error {
  constructor() {
    super("The stored secret could not be decrypted: SECRETS_KEY changed or the data was altered.");
    this.name = "DecryptionError";
  }
}

const keyCache = new Map<string, Promise<CryptoKey>>();

export function importSecretsKey(base64: string | undefined): Promise<CryptoKey> {
  if (!base64) throw new SecretsKeyError("SECRETS_KEY is not set. Set it to base64 of 32 random bytes.");
  const cached = keyCache.get(base64);
  if (cached) return cached;
  let raw: Uint8Array;
  try {
    raw = fromBase64(base64.trim());
  } catch {
    throw new SecretsKeyError("SECRETS_KEY is not valid base64.");
  }
  if (raw.length !== 32) throw new SecretsKeyError(`SECRETS_KEY must be 32 bytes; it is ${raw.length}.`);
  const key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  keyCache.set(base64, key);
  return key;
}

export async function encryptSecret(key: CryptoKey, plaintext: string, context = ""): Promise<string> {
  const iv = randomBytes(12);
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(data))}`;
}

export async function decryptSecret(key: CryptoKey, stored: string, context = ""): Promise<string> {
  const [version, iv, data] = stored.split(".");
  if (version !== "v1" || !iv || !data) throw new DecryptionError();
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(context) },
      key,
      fromBase64(data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new DecryptionError();
  }
}

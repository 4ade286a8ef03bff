/** Hashes, random secrets and the AES-GCM box for provider keys (WebCrypto only). */

const encoder = new TextEncoder();

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function base64url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A code an admin can read out or paste: 4 groups of 4 from an alphabet without 0/O/1/I (80 bits). */
export function enrollmentCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = Array.from(bytes, (b) => alphabet[b % 32]).join('');
  return chars.match(/.{4}/g)?.join('-') ?? chars;
}

/** Codes are compared without dashes, spaces or case, as agents may retype them. */
export function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Constant-time comparison of two secrets (hashed first so lengths never leak). */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([a, b].map((s) => crypto.subtle.digest('SHA-256', encoder.encode(s))));
  // workerd's own addition to SubtleCrypto.
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBuffer, b: ArrayBuffer): boolean };
  return subtle.timingSafeEqual(x as ArrayBuffer, y as ArrayBuffer);
}

const aesKeys = new Map<string, Promise<CryptoKey>>();

/** Imported once per isolate and secret. */
function aesKey(secret: string): Promise<CryptoKey> {
  let key = aesKeys.get(secret);
  if (!key) {
    const raw = fromBase64(secret);
    if (raw.byteLength !== 32) throw new Error('KEYS_SECRET must be 32 bytes, base64');
    key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    aesKeys.set(secret, key);
  }
  return key;
}

export interface SealedKey {
  iv: string;
  ciphertext: string;
}

/** The store id is additional data: a ciphertext copied to another store's row does not open. */
export async function sealKey(secret: string, storeId: string, apiKey: string): Promise<SealedKey> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(storeId) },
    await aesKey(secret),
    encoder.encode(apiKey),
  );
  return { iv: toBase64(iv), ciphertext: toBase64(new Uint8Array(ciphertext)) };
}

/** How long an opened key stays in the isolate's memory after it was opened. */
export const OPENED_KEY_TTL_MS = 60_000;
const opened = new Map<string, { apiKey: string; until: number }>();

/**
 * Opens with the current secret, then the previous one while a rotation is under way. An opened key
 * is kept for a minute under its ciphertext (and the secrets that opened it): a `store set` seals
 * anew, with a fresh IV, so a changed key is never served from here, and a removed store's row is
 * no longer read at all.
 */
export async function openKey(
  secrets: (string | undefined)[],
  storeId: string,
  sealed: SealedKey,
  now = Date.now(),
): Promise<string> {
  const name = [storeId, sealed.iv, sealed.ciphertext, ...secrets].join('\u0000');
  const hit = opened.get(name);
  if (hit && hit.until > now) return hit.apiKey;
  for (const secret of secrets) {
    if (!secret) continue;
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64(sealed.iv), additionalData: encoder.encode(storeId) },
        await aesKey(secret),
        fromBase64(sealed.ciphertext),
      );
      const apiKey = new TextDecoder().decode(plain);
      for (const [other, entry] of opened) if (entry.until <= now) opened.delete(other);
      opened.set(name, { apiKey, until: now + OPENED_KEY_TTL_MS });
      return apiKey;
    } catch {
      // try the next secret
    }
  }
  throw new Error('store key does not open with KEYS_SECRET');
}

/** Forgets a store's opened keys at once (store set, store remove) rather than after their minute. */
export function forgetOpenedKeys(storeId: string): void {
  for (const name of opened.keys()) if (name.startsWith(`${storeId}\u0000`)) opened.delete(name);
}

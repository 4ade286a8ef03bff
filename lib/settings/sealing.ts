/**
 * Secrets at rest (API keys, the relay's refresh token) are sealed with AES-GCM under a key that never
 * leaves the extension's own origin: a non-extractable CryptoKey in the background's IndexedDB.
 * `storage.local` is readable by content scripts in Firefox (and in Chrome until setAccessLevel), and
 * lies on disk as plain LevelDB / SQLite files; a sealed value there names no secret. Whoever holds
 * the whole profile holds the key too: this keeps secrets from content scripts and from a copy of
 * the storage files, not from someone with the browser profile (docs/security.md).
 */
import { PortalLinkError } from '../shared/error-codes';

const PREFIX = 'sealed:v1:';

export interface Sealer {
  seal(text: string): Promise<string>;
  /** Throws settings-invalid when the value was not sealed by this extension's key (lost or tampered). */
  unseal(sealed: string): Promise<string>;
}

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export function sealer(key: () => Promise<CryptoKey>): Sealer {
  return {
    async seal(text) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await key(), new TextEncoder().encode(text));
      return `${PREFIX}${toBase64(iv)}.${toBase64(new Uint8Array(data))}`;
    },
    async unseal(sealed) {
      const [iv, data] = isSealed(sealed) ? sealed.slice(PREFIX.length).split('.') : [];
      try {
        if (!iv || !data) throw new Error('not sealed');
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64(iv) },
          await key(),
          fromBase64(data),
        );
        return new TextDecoder().decode(plain);
      } catch {
        throw new PortalLinkError('settings-invalid');
      }
    },
  };
}

const DB_NAME = 'portal-link-sealing';
const KEYS = 'keys';
const KEY_ID = 'secrets';

const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

async function readOrCreateKey(): Promise<CryptoKey> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(KEYS);
  const db = await done(open);
  try {
    const existing = await done(db.transaction(KEYS).objectStore(KEYS).get(KEY_ID));
    if (existing instanceof CryptoKey) return existing;
    const fresh = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const write = db.transaction(KEYS, 'readwrite');
    write.objectStore(KEYS).add(fresh, KEY_ID);
    await new Promise<void>((resolve, reject) => {
      write.oncomplete = () => resolve();
      write.onerror = () => reject(write.error);
      write.onabort = () => reject(write.error);
    });
    return fresh;
  } finally {
    db.close();
  }
}

/** The extension's sealing key, read (or made, once) on first use and kept for the background's life. */
export function extensionKey(): () => Promise<CryptoKey> {
  let key: Promise<CryptoKey> | undefined;
  return () => {
    key ??= readOrCreateKey().catch((error) => {
      key = undefined;
      throw error;
    });
    return key;
  };
}

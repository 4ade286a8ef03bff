/**
 * Access tokens: HS256 JWTs signed with TOKEN_SECRET, 10 minutes, with audience, issuer, jti, the
 * session id and the agent's session epoch (bumping the epoch ends every session at once). Refresh
 * tokens are random strings stored hashed in D1 and rotated on every use.
 */
import { jwtVerify, SignJWT } from 'jose';
import { hashPrefix } from './audit';
import { fromBase64, randomToken, sha256Hex, toBase64 } from './crypto';

export const ACCESS_TTL_S = 600;
export const REFRESH_TTL_S = 30 * 24 * 60 * 60;
export const ENROLLMENT_TTL_S = 24 * 60 * 60;
export const AUDIENCE = 'portal-link-relay';
/** How long after its rotation a refresh token may be presented once more (a lost answer). */
export const REFRESH_GRACE_S = 60;
const ISSUER = 'portal-link-relay';

export interface AccessClaims {
  email: string;
  epoch: number;
  /** The session (one per sign-in, the same across rotations). */
  sid: string;
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** Imported once per isolate (jose would import the raw secret again on every sign and verify). */
function hmacKey(secret: string): Promise<CryptoKey> {
  if (secret.length < 32) throw new Error('TOKEN_SECRET must be at least 32 characters');
  let key = hmacKeys.get(secret);
  if (!key) {
    const raw = new TextEncoder().encode(secret);
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    hmacKeys.set(secret, key);
  }
  return key;
}

export async function signAccessToken(secret: string, claims: AccessClaims, nowS: number): Promise<string> {
  return new SignJWT({ epoch: claims.epoch, sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.email)
    .setAudience(AUDIENCE)
    .setIssuer(ISSUER)
    .setJti(randomToken(16))
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + ACCESS_TTL_S)
    .sign(await hmacKey(secret));
}

/** The claims of a valid token, or undefined for anything else (forged, expired, wrong audience, none). */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      maxTokenAge: ACCESS_TTL_S,
    });
    const { sub, epoch, sid } = payload;
    if (typeof sub !== 'string' || typeof epoch !== 'number' || typeof sid !== 'string') return undefined;
    return { email: sub, epoch, sid };
  } catch {
    return undefined;
  }
}

export const newRefreshToken = () => `plr_${randomToken(32)}`;
export const newSessionId = () => randomToken(12);

/**
 * The AES-GCM key for what a rotation leaves behind for its grace: derived from the old refresh
 * token (with a label, so it is not the hash kept in D1), so only its holder can open it.
 */
async function graceKey(refreshToken: string): Promise<CryptoKey> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`grace:${refreshToken}`));
  return crypto.subtle.importKey('raw', digest, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function sealForGrace(refreshToken: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await graceKey(refreshToken), plain);
  return `${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

export async function openGrace(refreshToken: string, sealed: string): Promise<unknown> {
  const [iv = '', data = ''] = sealed.split('.');
  const key = await graceKey(refreshToken);
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv) }, key, fromBase64(data));
  return JSON.parse(new TextDecoder().decode(plain));
}

/** What the audit keeps of a token: enough to tell sessions apart, never enough to use one. */
export async function tokenHashPrefix(token: string): Promise<string> {
  return hashPrefix(await sha256Hex(token));
}

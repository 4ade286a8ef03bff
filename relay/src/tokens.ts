/**
 * Access tokens: HS256 JWTs signed with TOKEN_SECRET, 10 minutes, with audience, issuer, jti and the
 * agent's session epoch (bumping the epoch ends every session at once). Refresh tokens are random
 * strings stored hashed in D1 and rotated on every use.
 */
import { jwtVerify, SignJWT } from 'jose';
import { randomToken, sha256Hex } from './crypto';

export const ACCESS_TTL_S = 600;
export const REFRESH_TTL_S = 30 * 24 * 60 * 60;
export const ENROLLMENT_TTL_S = 24 * 60 * 60;
export const AUDIENCE = 'portal-link-relay';
const ISSUER = 'portal-link-relay';

export interface AccessClaims {
  email: string;
  epoch: number;
}

function hmacKey(secret: string): Uint8Array {
  if (secret.length < 32) throw new Error('TOKEN_SECRET must be at least 32 characters');
  return new TextEncoder().encode(secret);
}

export async function signAccessToken(secret: string, claims: AccessClaims, nowS: number): Promise<string> {
  return new SignJWT({ epoch: claims.epoch })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.email)
    .setAudience(AUDIENCE)
    .setIssuer(ISSUER)
    .setJti(randomToken(16))
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + ACCESS_TTL_S)
    .sign(hmacKey(secret));
}

/** The claims of a valid token, or undefined for anything else (forged, expired, wrong audience, none). */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, hmacKey(secret), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      issuer: ISSUER,
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      maxTokenAge: ACCESS_TTL_S,
    });
    if (typeof payload.sub !== 'string' || typeof payload.epoch !== 'number') return undefined;
    return { email: payload.sub, epoch: payload.epoch };
  } catch {
    return undefined;
  }
}

export const newRefreshToken = () => `plr_${randomToken(32)}`;

/** What the audit keeps of a token: enough to tell sessions apart, never enough to use one. */
export async function tokenHashPrefix(token: string): Promise<string> {
  return (await sha256Hex(token)).slice(0, 12);
}

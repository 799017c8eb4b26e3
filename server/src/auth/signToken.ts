import type { AuthClaims } from '@tandem/protocol'
import { SignJWT } from 'jose'

/** Signs an HS256 token, as `tandem-server token` and the dev endpoint do. */
export async function signToken(
  secret: Uint8Array,
  claims: Omit<AuthClaims, 'exp'>,
  ttlMs: number,
  now = Date.now(),
): Promise<string> {
  const { sub, ...rest } = claims
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor((now + ttlMs) / 1000))
    .sign(secret)
}

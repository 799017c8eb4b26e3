import type { AuthClaims } from '@tandem/protocol'
import { errors, importSPKI, type JWTPayload, jwtVerify } from 'jose'
import type { TokenContext } from './RequestInfo.ts'

/** Why a token was not accepted; `expired` lets a client refresh instead of giving up. */
export class AuthError extends Error {
  override readonly name = 'AuthError'
  constructor(
    readonly reason: 'missing' | 'invalid' | 'expired' | 'forbidden',
    message: string,
    /** A hook's own answer (e.g. 4529 / 429 for a throttle), else derived from `reason`. */
    readonly answer: { closeCode?: number; status?: number } = {},
  ) {
    super(message)
  }

  /** The WebSocket close code for this refusal. */
  get closeCode(): number {
    return this.answer.closeCode ?? (this.reason === 'forbidden' ? 4403 : 4401)
  }

  /** The HTTP status for this refusal. */
  get status(): number {
    return this.answer.status ?? (this.reason === 'forbidden' ? 403 : 401)
  }
}

export interface TokenVerifierOptions {
  /** Shared secret for HS256. */
  secret?: Uint8Array
  /** PEM public key (SPKI) for public-key algorithms, e.g. RS256, ES256, EdDSA. */
  publicKeyPem?: string
  publicKeyAlgorithm?: string
  /** Tolerated clock difference when checking expiry, in seconds. */
  clockToleranceSec?: number
}

/** `context` says where the token was presented; the built-in verifier ignores it, hooks read it. */
export type TokenVerifier = (token: string | null | undefined, context?: TokenContext) => Promise<AuthClaims>

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string')

function toClaims(p: JWTPayload): AuthClaims {
  if (typeof p.sub !== 'string' || p.sub === '') throw new AuthError('invalid', 'token has no subject')
  if (typeof p.exp !== 'number') throw new AuthError('invalid', 'token has no expiry')
  const docs = p.docs ?? []
  const collections = p.collections ?? []
  if (!strings(docs) || !strings(collections))
    throw new AuthError('invalid', 'docs and collections must be string lists')
  if (p.scope !== 'read' && p.scope !== 'write') throw new AuthError('invalid', "scope must be 'read' or 'write'")
  const name = typeof p.name === 'string' ? p.name : undefined
  return { sub: p.sub, name, docs, collections, scope: p.scope, exp: p.exp }
}

/** Verifies signed JWTs with jose; every failure is an AuthError, never anything else. */
export async function createTokenVerifier(options: TokenVerifierOptions): Promise<TokenVerifier> {
  const alg = options.publicKeyAlgorithm ?? 'RS256'
  const key = options.publicKeyPem ? await importSPKI(options.publicKeyPem, alg) : options.secret
  if (!key) throw new TypeError('a token verifier needs a secret or a public key')
  const algorithms = options.publicKeyPem ? [alg] : ['HS256']
  const clockTolerance = options.clockToleranceSec ?? 1
  return async (token) => {
    if (!token) throw new AuthError('missing', 'no token')
    try {
      const { payload } = await jwtVerify(token, key, { algorithms, clockTolerance, requiredClaims: ['exp', 'sub'] })
      return toClaims(payload)
    } catch (err) {
      if (err instanceof AuthError) throw err
      if (err instanceof errors.JWTExpired) throw new AuthError('expired', 'token expired')
      throw new AuthError('invalid', `invalid token: ${(err as Error).message}`)
    }
  }
}

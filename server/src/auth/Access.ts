import { type AuthClaims, matchesAny } from '@tandem/protocol'

/**
 * What one connection may do, from its verified token, or everything when the server runs
 * without a secret (which it only does on loopback).
 */
export class Access {
  private constructor(readonly claims: AuthClaims | null) {}

  static open(): Access {
    return new Access(null)
  }

  static of(claims: AuthClaims): Access {
    return new Access(claims)
  }

  canReadDoc(name: string): boolean {
    return this.claims === null || matchesAny(this.claims.docs, name)
  }

  canWriteDoc(name: string): boolean {
    return this.canReadDoc(name) && (this.claims === null || this.claims.scope === 'write')
  }

  canReadCollection(name: string): boolean {
    return this.claims === null || matchesAny(this.claims.collections, name)
  }

  canWriteCollection(name: string): boolean {
    return this.canReadCollection(name) && (this.claims === null || this.claims.scope === 'write')
  }

  /** Milliseconds since the epoch when the token expires; Infinity in open mode. */
  get expiresAt(): number {
    return this.claims ? this.claims.exp * 1000 : Number.POSITIVE_INFINITY
  }

  get subject(): string | null {
    return this.claims?.sub ?? null
  }
}

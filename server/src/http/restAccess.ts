import type { IncomingMessage } from 'node:http'
import { Access } from '../auth/Access.ts'
import { AuthError } from '../auth/TokenVerifier.ts'
import type { RelayContext } from '../net/RelayContext.ts'
import { bearerToken } from './httpBody.ts'

/**
 * The access of a REST request, from its Bearer token (everyone's, without a secret); a
 * failure is counted and returned as the message for a 401.
 */
export async function restAccess(ctx: RelayContext, req: IncomingMessage): Promise<Access | { error: string }> {
  try {
    return ctx.verifyToken ? Access.of(await ctx.verifyToken(bearerToken(req))) : Access.open()
  } catch (err) {
    const reason = err instanceof AuthError ? err.reason : 'invalid'
    ctx.metrics.inc('tandem_auth_failures_total', 'Rejected tokens', { reason, path: 'rest' })
    return { error: err instanceof Error ? err.message : 'unauthorized' }
  }
}

import type { IncomingMessage } from 'node:http'
import { Access } from '../auth/Access.ts'
import { requestInfo } from '../auth/RequestInfo.ts'
import { AuthError } from '../auth/TokenVerifier.ts'
import type { RelayContext } from '../net/RelayContext.ts'
import { bearerToken } from './httpBody.ts'

/**
 * The access of a REST request, from its Bearer token (everyone's, without a secret); a
 * failure is counted and returned as the message for a 401.
 */
export async function restAccess(
  ctx: RelayContext,
  req: IncomingMessage,
): Promise<Access | { error: string; status: number }> {
  try {
    if (!ctx.verifyToken) return Access.open()
    return Access.of(await ctx.verifyToken(bearerToken(req), { request: requestInfo(req), via: 'rest' }))
  } catch (err) {
    const reason = err instanceof AuthError ? err.reason : 'invalid'
    ctx.metrics.inc('tandem_auth_failures_total', 'Rejected tokens', { reason, path: 'rest' })
    return {
      error: err instanceof Error ? err.message : 'unauthorized',
      status: err instanceof AuthError ? err.status : 401,
    }
  }
}

import type { Logger } from './Logger.ts'
import type { Metrics } from './Metrics.ts'

/**
 * Runs one call of an application hook so that it can cost only itself: a throw or a rejection
 * is logged and counted, and a hook still running after `timeoutMs` is given up on (its
 * eventual result is ignored). Never rejects; resolves true when the hook succeeded in time.
 */
export function runHook(
  deps: { log: Logger; metrics: Metrics },
  hook: string,
  call: () => unknown,
  timeoutMs: number,
  detail: Record<string, unknown> = {},
): Promise<boolean> {
  const failed = (reason: 'error' | 'timeout', error?: unknown) => {
    deps.metrics.inc('tandem_hook_failures_total', 'Application hook calls that threw or ran past their time limit', {
      hook,
      reason,
    })
    deps.log.error(reason === 'timeout' ? 'hook ran past its time limit' : 'hook failed', {
      hook,
      ...detail,
      timeoutMs,
      error: error === undefined ? undefined : String(error),
    })
    return false
  }
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(failed('timeout')), timeoutMs)
    timer.unref()
    let result: unknown
    try {
      result = call()
    } catch (err) {
      clearTimeout(timer)
      return resolve(failed('error', err))
    }
    Promise.resolve(result).then(
      () => {
        clearTimeout(timer)
        resolve(true)
      },
      (err: unknown) => {
        clearTimeout(timer)
        resolve(failed('error', err))
      },
    )
  })
}

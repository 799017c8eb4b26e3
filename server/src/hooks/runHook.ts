import type { Logger } from '../ops/Logger.ts'
import type { Metrics } from '../ops/Metrics.ts'
import { HookRejection } from './HookRejection.ts'

export type HookOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'rejected'; error: HookRejection }
  | { ok: false; reason: 'error' | 'timeout'; error?: unknown }

/**
 * Runs one call of an application hook so that it can cost only itself: a throw or a rejection
 * is logged and counted, and a hook still running after `timeoutMs` is given up on (its
 * eventual result is ignored). A HookRejection is a deliberate refusal: counted, not logged as
 * an error. Never rejects.
 */
export function runHook<T>(
  deps: { log: Logger; metrics: Metrics },
  hook: string,
  call: () => T | Promise<T>,
  timeoutMs: number,
  detail: Record<string, unknown> = {},
): Promise<HookOutcome<T>> {
  const failed = (reason: 'error' | 'timeout', error?: unknown): HookOutcome<T> => {
    if (error instanceof HookRejection) {
      deps.metrics.inc('tandem_hook_rejections_total', 'Operations refused by an application hook', { hook })
      return { ok: false, reason: 'rejected', error }
    }
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
    return { ok: false, reason, error }
  }
  return new Promise<HookOutcome<T>>((resolve) => {
    const timer = setTimeout(() => resolve(failed('timeout')), timeoutMs)
    timer.unref()
    let result: T | Promise<T>
    try {
      result = call()
    } catch (err) {
      clearTimeout(timer)
      return resolve(failed('error', err))
    }
    Promise.resolve(result).then(
      (value) => {
        clearTimeout(timer)
        resolve({ ok: true, value })
      },
      (err: unknown) => {
        clearTimeout(timer)
        resolve(failed('error', err))
      },
    )
  })
}

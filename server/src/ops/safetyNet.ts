import type { Logger } from './Logger.ts'
import type { Metrics } from './Metrics.ts'

export const UNCAUGHT_HELP = 'Errors no handler caught (bugs: each one is logged); should stay 0'

/**
 * The process-level net under every handler. Each request and socket path catches its own
 * failures and closes just that connection; anything that still slips through is a bug,
 * and one user's input must not turn it into an outage for all: it is logged with its
 * stack and counted in tandem_uncaught_total, and the relay keeps serving. Installed by the
 * CLI only: an app embedding the relay owns its process and its policy for such errors.
 */
export function installSafetyNet(log: Logger, metrics: Metrics): () => void {
  const caught = (kind: string) => (err: unknown) => {
    metrics.inc('tandem_uncaught_total', UNCAUGHT_HELP)
    log.error(`uncaught ${kind}`, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
  }
  const onException = caught('exception')
  const onRejection = caught('rejection')
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}

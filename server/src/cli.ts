import { createLogger } from './Logger.ts'
import { parseCliArgs, USAGE, UsageError } from './parseCliArgs.ts'
import { startRelay } from './startRelay.ts'

/** Hard limit for a graceful stop; past it the process exits non-zero rather than hang. */
const SHUTDOWN_TIMEOUT_MS = 5_000

async function main(): Promise<void> {
  let options: ReturnType<typeof parseCliArgs>
  try {
    options = parseCliArgs(process.argv.slice(2), process.env)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`tandem-server: ${err.message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (options.help) {
    process.stdout.write(USAGE)
    return
  }
  const logger = createLogger(options.logLevel)
  const relay = await startRelay({ ...options, logger })
  process.stdout.write(`tandem-server listening on ${relay.url}\n`)
  logger.info('listening', { url: relay.url, data: options.dataDir })

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info('shutting down', { signal })
    setTimeout(() => {
      logger.error('shutdown took too long, exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    relay.close().then(
      () => process.exit(0),
      (err) => {
        logger.error('shutdown failed', { error: String(err) })
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((err) => {
  process.stderr.write(`tandem-server: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})

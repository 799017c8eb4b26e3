import { readFileSync } from 'node:fs'
import { signToken } from '../auth/signToken.ts'
import { RedisPubSub } from '../cluster/RedisPubSub.ts'
import { webhooks } from '../extensions/webhooks/webhooks.ts'
import { createLogger } from '../ops/Logger.ts'
import { installSafetyNet } from '../ops/safetyNet.ts'
import { PostgresDocStorage } from '../storage/postgres/PostgresDocStorage.ts'
import { readSecret, resolveServeConfig } from './config.ts'
import { type CliOptions, parseCliArgs, USAGE, UsageError } from './parseCliArgs.ts'
import { parseTokenArgs } from './parseTokenArgs.ts'
import { RelayConfigError, startRelay } from './startRelay.ts'

/** Hard limit for a graceful stop; past it the process exits non-zero rather than hang. */
const SHUTDOWN_TIMEOUT_MS = 5_000

async function token(argv: string[]): Promise<void> {
  const command = parseTokenArgs(argv)
  const secret = readSecret(command.secretFile, process.env)
  if (!secret) throw new UsageError('token needs a secret: set TANDEM_SECRET or pass --secret-file')
  process.stdout.write(`${await signToken(secret, command.claims, command.ttlMs)}\n`)
}

async function serve(options: CliOptions): Promise<void> {
  const config = resolveServeConfig(options, process.env)
  const logger = createLogger(config.logLevel)
  const storage = config.postgres ? await PostgresDocStorage.connect(config.postgres) : undefined
  const pubsub = config.redis ? new RedisPubSub(config.redis.url, config.redis.prefix, logger) : undefined
  const extensions = config.webhook ? [webhooks(config.webhook)] : []
  const relay = await startRelay({ ...config.relay, storage, pubsub, logger, extensions })
  installSafetyNet(logger, relay.metrics)
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
  // Handlers first: whoever reads the line below may signal at once.
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  process.stdout.write(`tandem-server listening on ${relay.url}\n`)
  logger.info('listening', { url: relay.url, data: config.relay.dataDir, auth: Boolean(config.relay.auth) })
}

/** From @tandem/server's package.json: two folders up from src/main and dist/main, one from the bundle in dist/. */
function readVersion(): string {
  for (const path of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version: string }
      if (pkg.name === '@tandem/server') return pkg.version
    } catch {}
  }
  return 'unknown'
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'token') return token(argv.slice(1))
  const options = parseCliArgs(argv, process.env)
  if (options.help) return void process.stdout.write(USAGE)
  if (options.version) return void process.stdout.write(`${readVersion()}\n`)
  await serve(options)
}

main(process.argv.slice(2)).catch((err) => {
  const known = err instanceof UsageError || err instanceof RelayConfigError
  process.stderr.write(`tandem-server: ${err instanceof Error ? err.message : String(err)}\n`)
  if (err instanceof UsageError) process.stderr.write(`\n${USAGE}`)
  process.exit(known ? 2 : 1)
})

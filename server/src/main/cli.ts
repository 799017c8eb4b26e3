import { readFileSync } from 'node:fs'
import { signToken } from '../auth/signToken.ts'
import { RedisPubSub } from '../cluster/RedisPubSub.ts'
import { createLogger } from '../ops/Logger.ts'
import { installSafetyNet } from '../ops/safetyNet.ts'
import { PostgresStorage } from '../storage/postgres/PostgresStorage.ts'
import { type CliOptions, parseCliArgs, USAGE, UsageError } from './parseCliArgs.ts'
import { parseTokenArgs } from './parseTokenArgs.ts'
import { MIN_SECRET_BYTES, RelayConfigError, startRelay } from './startRelay.ts'

/** Hard limit for a graceful stop; past it the process exits non-zero rather than hang. */
const SHUTDOWN_TIMEOUT_MS = 5_000

function readSecret(file: string | undefined, env: NodeJS.ProcessEnv): Uint8Array | undefined {
  const text = file ? readFileSync(file, 'utf8').trim() : env.TANDEM_SECRET
  if (!text) return undefined
  const secret = new TextEncoder().encode(text)
  if (secret.length < MIN_SECRET_BYTES) {
    const source = file ? `the secret in ${file}` : 'TANDEM_SECRET'
    throw new UsageError(
      `${source} is ${secret.length} bytes; it must be at least ${MIN_SECRET_BYTES} (e.g. openssl rand -base64 32)`,
    )
  }
  return secret
}

async function token(argv: string[]): Promise<void> {
  const command = parseTokenArgs(argv)
  const secret = readSecret(command.secretFile, process.env)
  if (!secret) throw new UsageError('token needs a secret: set TANDEM_SECRET or pass --secret-file')
  process.stdout.write(`${await signToken(secret, command.claims, command.ttlMs)}\n`)
}

async function serve(options: CliOptions): Promise<void> {
  const secret = readSecret(options.secretFile, process.env)
  const publicKeyPem = options.publicKeyFile ? readFileSync(options.publicKeyFile, 'utf8') : undefined
  if (secret || publicKeyPem) options.auth = { secret, publicKeyPem, publicKeyAlgorithm: options.publicKeyAlgorithm }
  if (options.adminTokenFile) options.adminToken = readFileSync(options.adminTokenFile, 'utf8').trim()
  if (options.metricsTokenFile) options.metricsToken = readFileSync(options.metricsTokenFile, 'utf8').trim()
  if (options.metricsToken !== undefined && options.metricsToken.length < 16) {
    throw new UsageError('the metrics token must be at least 16 characters')
  }
  if (options.adminToken !== undefined && options.adminToken.length < 16) {
    throw new UsageError('the admin token must be at least 16 characters')
  }
  const logger = createLogger(options.logLevel)
  // Schema and channel prefix let several deployments (or test runs) share one database and one Redis.
  const env = process.env
  if (options.postgresUrl) {
    options.storage = await PostgresStorage.connect({ url: options.postgresUrl, schema: env.TANDEM_POSTGRES_SCHEMA })
  }
  if (options.redisUrl) options.pubsub = new RedisPubSub(options.redisUrl, env.TANDEM_REDIS_PREFIX ?? 'tandem:', logger)
  const relay = await startRelay({ ...options, logger })
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
  logger.info('listening', { url: relay.url, data: options.dataDir, auth: Boolean(options.auth) })
}

/** From package.json, one folder up from both src/ and the compiled dist/. */
function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
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

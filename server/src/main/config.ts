import { readFileSync } from 'node:fs'
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../extensions/webhooks/webhookEvents.ts'
import type { WebhookOptions } from '../extensions/webhooks/webhooks.ts'
import type { CliOptions } from './parseCliArgs.ts'
import { UsageError } from './parseCliArgs.ts'
import type { RelayOptions } from './relayOptions.ts'
import { MIN_SECRET_BYTES } from './startRelay.ts'

/** What `tandem-server` runs: the relay's options plus the backends the CLI builds for it. */
export interface ServeConfig {
  readonly relay: Readonly<Omit<RelayOptions, 'storage' | 'pubsub' | 'logger'>>
  readonly logLevel: CliOptions['logLevel']
  readonly postgres?: { readonly url: string; readonly schema?: string }
  readonly redis?: { readonly url: string; readonly prefix: string }
  readonly webhook?: Readonly<Pick<WebhookOptions, 'url' | 'secret' | 'events' | 'debounceMs'>>
}

type ReadFile = (path: string) => string
const readText: ReadFile = (path) => readFileSync(path, 'utf8')

/** The HS256 secret from a file or TANDEM_SECRET, refused if shorter than 32 bytes. */
export function readSecret(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  read: ReadFile = readText,
): Uint8Array | undefined {
  const text = file ? read(file).trim() : env.TANDEM_SECRET
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

function bearer(name: string, file: string | undefined, fromEnv: string | undefined, read: ReadFile) {
  const token = file ? read(file).trim() : fromEnv
  if (token !== undefined && token.length < 16) throw new UsageError(`the ${name} token must be at least 16 characters`)
  return token
}

/**
 * Parsed flags and environment -> the one resolved configuration: secret and token files
 * read, lengths checked, backends named. Pure apart from the file reads, and it leaves the
 * parsed options as they were.
 */
export function resolveServeConfig(
  options: CliOptions,
  env: NodeJS.ProcessEnv,
  read: ReadFile = readText,
): ServeConfig {
  const {
    help: _help,
    version: _version,
    logLevel,
    secretFile,
    publicKeyFile,
    publicKeyAlgorithm,
    postgresUrl,
    redisUrl,
    adminTokenFile,
    metricsTokenFile,
    auth: _auth,
    webhookUrl,
    webhookSecretFile,
    webhookSecret,
    webhookEvents,
    webhookDebounceMs,
    ...relay
  } = options
  const secret = readSecret(secretFile, env, read)
  const publicKeyPem = publicKeyFile ? read(publicKeyFile) : undefined
  return {
    relay: {
      ...relay,
      auth: secret || publicKeyPem ? { secret, publicKeyPem, publicKeyAlgorithm } : undefined,
      adminToken: bearer('admin', adminTokenFile, options.adminToken, read),
      metricsToken: bearer('metrics', metricsTokenFile, options.metricsToken, read),
    },
    logLevel,
    // Schema and channel prefix let several deployments (or test runs) share one database and one Redis.
    postgres: postgresUrl ? { url: postgresUrl, schema: env.TANDEM_POSTGRES_SCHEMA } : undefined,
    redis: redisUrl ? { url: redisUrl, prefix: env.TANDEM_REDIS_PREFIX ?? 'tandem:' } : undefined,
    webhook: webhookConfig(
      webhookUrl,
      webhookSecretFile ? read(webhookSecretFile).trim() : webhookSecret,
      webhookEvents,
      webhookDebounceMs,
    ),
  }
}

function webhookConfig(
  url: string | undefined,
  secret: string | undefined,
  events: string[] | undefined,
  debounceMs: number | undefined,
): ServeConfig['webhook'] {
  if (url === undefined) {
    if (secret !== undefined || events !== undefined) throw new UsageError('webhook settings need --webhook-url')
    return undefined
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError(`--webhook-url is not a URL: '${url}'`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError('--webhook-url must be http(s)')
  if (!secret || secret.length < 16)
    throw new UsageError('webhooks need a secret of at least 16 characters (--webhook-secret-file)')
  const unknown = (events ?? []).filter((e) => !WEBHOOK_EVENT_TYPES.includes(e as WebhookEventType))
  if (unknown.length > 0)
    throw new UsageError(`unknown webhook events: ${unknown.join(', ')} (known: ${WEBHOOK_EVENT_TYPES.join(', ')})`)
  return { url, secret, events: events as WebhookEventType[] | undefined, debounceMs }
}

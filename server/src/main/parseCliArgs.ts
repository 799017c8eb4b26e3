import { parseArgs } from 'node:util'
import { parseDuration } from '../auth/parseDuration.ts'
import type { RelayLimits } from '../ops/RelayLimits.ts'
import type { RelayOptions } from './relayOptions.ts'

/** Numeric limits settable by flag and env: flag name -> option, env var, range. */
const LIMIT_FLAGS: [string, keyof RelayLimits, string, number, number][] = [
  ['max-frame-bytes', 'maxFrameBytes', 'TANDEM_MAX_FRAME_BYTES', 1024, 256 * 1024 * 1024],
  ['max-messages-per-second', 'maxMessagesPerSecond', 'TANDEM_MAX_MESSAGES_PER_SECOND', 1, 1e9],
  ['max-bytes-per-second', 'maxBytesPerSecond', 'TANDEM_MAX_BYTES_PER_SECOND', 1024, 1e12],
  ['max-connections-per-ip', 'maxConnectionsPerIp', 'TANDEM_MAX_CONNECTIONS_PER_IP', 0, 1e9],
  ['max-docs-per-connection', 'maxDocsPerConnection', 'TANDEM_MAX_DOCS_PER_CONNECTION', 1, 1e9],
  ['max-awareness-bytes', 'maxAwarenessBytes', 'TANDEM_MAX_AWARENESS_BYTES', 64, 1e9],
  ['max-doc-name-length', 'maxDocNameLength', 'TANDEM_MAX_DOC_NAME_LENGTH', 1, 65536],
  ['headers-timeout-ms', 'headersTimeoutMs', 'TANDEM_HEADERS_TIMEOUT_MS', 100, 600_000],
  ['request-timeout-ms', 'requestTimeoutMs', 'TANDEM_REQUEST_TIMEOUT_MS', 100, 3_600_000],
  ['max-held-bytes', 'maxHeldBytes', 'TANDEM_MAX_HELD_BYTES', 0, 1e12],
  ['held-ms', 'heldMs', 'TANDEM_HELD_MS', 0, 1e9],
  ['compact-updates', 'compactUpdates', 'TANDEM_COMPACT_UPDATES', 1, 1e9],
  ['compact-bytes', 'compactBytes', 'TANDEM_COMPACT_BYTES', 1024, 1e12],
  ['compact-lease-ms', 'compactLeaseMs', 'TANDEM_COMPACT_LEASE_MS', 100, 86_400_000],
  ['commit-retry-ms', 'commitRetryMs', 'TANDEM_COMMIT_RETRY_MS', 0, 86_400_000],
  ['max-queued-commit-bytes', 'maxQueuedCommitBytes', 'TANDEM_MAX_QUEUED_COMMIT_BYTES', 0, 1e12],
]

export const USAGE = `Usage: tandem-server [options]
       tandem-server token --sub ID [--docs PATTERN]... [--collections PATTERN]... [--scope read|write] [--ttl 1h] [--name NAME]

  --host H                 interface to listen on        (env TANDEM_HOST, default 127.0.0.1)
  --port P                 port, 0 for any free one      (env TANDEM_PORT, default 1234)
  --data DIR               folder of the SQLite storage  (env TANDEM_DATA, default ./data)
  --sync normal|full       SQLite durability: normal survives process crashes, full also power loss (env TANDEM_SYNC)
  --secret-file PATH       HS256 secret for tokens; required off loopback (env TANDEM_SECRET_FILE, or the secret itself in TANDEM_SECRET)
  --public-key-file PATH   verify tokens with this PEM public key instead (env TANDEM_PUBLIC_KEY_FILE)
  --public-key-alg ALG     algorithm of that key, default RS256 (env TANDEM_PUBLIC_KEY_ALG)
  --allowed-origins LIST   comma-separated Origins browsers may call from (env TANDEM_ALLOWED_ORIGINS;
                           default any with a secret, loopback only without)
  --allowed-hosts LIST     comma-separated Host names accepted (env TANDEM_ALLOWED_HOSTS;
                           default any with a secret, loopback only without)
  --metrics-token-file PATH  /metrics asks for this bearer token (env TANDEM_METRICS_TOKEN_FILE, or the token in TANDEM_METRICS_TOKEN)
  --authority-collections LIST  record collections in authority mode, stale writes refused with 409 (env TANDEM_AUTHORITY_COLLECTIONS)
  --tombstone-horizon D    purge record tombstones after D, e.g. 30d, 12h; default 30d (env TANDEM_TOMBSTONE_HORIZON)
  --history-quiet-ms N     take a version after N ms without a change; default 10000 (env TANDEM_HISTORY_QUIET_MS)
  --history-every N        ...and at least every N changes; default 1000 (env TANDEM_HISTORY_EVERY)
  --history-keep D         keep every version for D, e.g. 30d; default 30d (env TANDEM_HISTORY_KEEP)
  --history-bucket D       then keep one unnamed version per D; default 1d (env TANDEM_HISTORY_BUCKET)
  --webhook-url URL        POST signed events (document, client, records) to URL (env TANDEM_WEBHOOK_URL)
  --webhook-secret-file PATH  HMAC secret of X-Tandem-Signature-256, 16+ characters (env TANDEM_WEBHOOK_SECRET_FILE, or the secret in TANDEM_WEBHOOK_SECRET)
  --webhook-events LIST    comma-separated event types to send; default all (env TANDEM_WEBHOOK_EVENTS)
  --webhook-debounce-ms N  send a document's changes once it is quiet N ms; default 2000 (env TANDEM_WEBHOOK_DEBOUNCE_MS)
  --postgres URL           keep documents in PostgreSQL instead of SQLite (env TANDEM_POSTGRES_URL)
  --redis URL              share live updates with other instances over Redis (env TANDEM_REDIS_URL)
  --admin-token-file PATH  enable the admin API (/admin/docs) for this bearer token (env TANDEM_ADMIN_TOKEN_FILE, or the token in TANDEM_ADMIN_TOKEN)
  --dev                    serve demo tokens at /dev/token, loopback only (env TANDEM_DEV=1)
  --static DIR             also serve the files of DIR over HTTP, e.g. the playground (env TANDEM_STATIC)
  --log-level L            info, warn, error or silent   (env TANDEM_LOG_LEVEL, default info)
${LIMIT_FLAGS.map(([flag, , envName]) => `  --${flag} N`.padEnd(33) + `(env ${envName})`).join('\n')}
  -h, --help               print this help
  -v, --version            print the version
`

/** Bad command-line input: the message is meant for the person who typed it. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface CliOptions extends RelayOptions {
  logLevel: 'info' | 'warn' | 'error' | 'silent'
  help: boolean
  version: boolean
  secretFile?: string
  publicKeyFile?: string
  publicKeyAlgorithm?: string
  postgresUrl?: string
  adminTokenFile?: string
  metricsTokenFile?: string
  redisUrl?: string
  webhookUrl?: string
  webhookSecretFile?: string
  webhookSecret?: string
  webhookEvents?: string[]
  webhookDebounceMs?: number
}

export function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got '${text}'`)
  }
  return n
}

function oneOf<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined
  if (!allowed.includes(text as T)) throw new UsageError(`${name} must be one of ${allowed.join(', ')}, got '${text}'`)
  return text as T
}

/** A boolean flag's variable: 1/true/yes or 0/false/no (or empty); anything else is a typo worth reporting. */
function envFlag(name: string, text: string | undefined): boolean {
  if (text === undefined || /^(|0|false|no)$/i.test(text)) return false
  if (/^(1|true|yes)$/i.test(text)) return true
  throw new UsageError(`${name} must be 1 or 0, got '${text}'`)
}

/** Flags win over environment variables, which win over defaults. */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        data: { type: 'string' },
        sync: { type: 'string' },
        static: { type: 'string' },
        'log-level': { type: 'string' },
        'secret-file': { type: 'string' },
        'public-key-file': { type: 'string' },
        'public-key-alg': { type: 'string' },
        'allowed-origins': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'metrics-token-file': { type: 'string' },
        'authority-collections': { type: 'string' },
        'tombstone-horizon': { type: 'string' },
        'history-quiet-ms': { type: 'string' },
        'history-every': { type: 'string' },
        'history-keep': { type: 'string' },
        'history-bucket': { type: 'string' },
        'webhook-url': { type: 'string' },
        'webhook-secret-file': { type: 'string' },
        'webhook-events': { type: 'string' },
        'webhook-debounce-ms': { type: 'string' },
        postgres: { type: 'string' },
        redis: { type: 'string' },
        'admin-token-file': { type: 'string' },
        dev: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        ...Object.fromEntries(LIMIT_FLAGS.map(([flag]) => [flag, { type: 'string' as const }])),
      },
    }))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const str = (flag: string, envName: string) => (values[flag] as string | undefined) ?? (env[envName] || undefined)
  const list = (flag: string, envName: string) =>
    str(flag, envName)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean)
  const options: CliOptions = {
    host: str('host', 'TANDEM_HOST') ?? '127.0.0.1',
    port: integer('--port', str('port', 'TANDEM_PORT'), 0, 65535) ?? 1234,
    dataDir: str('data', 'TANDEM_DATA') ?? './data',
    synchronous: oneOf('--sync', str('sync', 'TANDEM_SYNC'), ['normal', 'full'] as const),
    staticDir: str('static', 'TANDEM_STATIC'),
    logLevel:
      oneOf('--log-level', str('log-level', 'TANDEM_LOG_LEVEL'), ['info', 'warn', 'error', 'silent'] as const) ??
      'info',
    help: values.help === true,
    version: values.version === true,
    secretFile: str('secret-file', 'TANDEM_SECRET_FILE'),
    publicKeyFile: str('public-key-file', 'TANDEM_PUBLIC_KEY_FILE'),
    publicKeyAlgorithm: str('public-key-alg', 'TANDEM_PUBLIC_KEY_ALG'),
    allowedOrigins: list('allowed-origins', 'TANDEM_ALLOWED_ORIGINS'),
    allowedHosts: list('allowed-hosts', 'TANDEM_ALLOWED_HOSTS')?.map((h) => h.toLowerCase()),
    metricsTokenFile: str('metrics-token-file', 'TANDEM_METRICS_TOKEN_FILE'),
    metricsToken: env.TANDEM_METRICS_TOKEN || undefined,
    devTokens: values.dev === true || envFlag('TANDEM_DEV', env.TANDEM_DEV),
    postgresUrl: str('postgres', 'TANDEM_POSTGRES_URL'),
    redisUrl: str('redis', 'TANDEM_REDIS_URL'),
    adminTokenFile: str('admin-token-file', 'TANDEM_ADMIN_TOKEN_FILE'),
    adminToken: env.TANDEM_ADMIN_TOKEN || undefined,
    authorityCollections: list('authority-collections', 'TANDEM_AUTHORITY_COLLECTIONS'),
    webhookUrl: str('webhook-url', 'TANDEM_WEBHOOK_URL'),
    webhookSecretFile: str('webhook-secret-file', 'TANDEM_WEBHOOK_SECRET_FILE'),
    webhookSecret: env.TANDEM_WEBHOOK_SECRET || undefined,
    webhookEvents: list('webhook-events', 'TANDEM_WEBHOOK_EVENTS'),
    webhookDebounceMs: integer(
      '--webhook-debounce-ms',
      str('webhook-debounce-ms', 'TANDEM_WEBHOOK_DEBOUNCE_MS'),
      0,
      3_600_000,
    ),
  }
  const duration = (flag: string, envName: string) => {
    const text = str(flag, envName)
    try {
      return text === undefined ? undefined : parseDuration(text)
    } catch (err) {
      throw new UsageError(`--${flag}: ${(err as Error).message}`)
    }
  }
  const horizon = duration('tombstone-horizon', 'TANDEM_TOMBSTONE_HORIZON')
  if (horizon !== undefined) options.tombstoneHorizonMs = horizon
  const history = {
    historyQuietMs: integer('--history-quiet-ms', str('history-quiet-ms', 'TANDEM_HISTORY_QUIET_MS'), 1, 1e9),
    historyEveryChanges: integer('--history-every', str('history-every', 'TANDEM_HISTORY_EVERY'), 1, 1e9),
    historyKeepAllMs: duration('history-keep', 'TANDEM_HISTORY_KEEP'),
    historyBucketMs: duration('history-bucket', 'TANDEM_HISTORY_BUCKET'),
  }
  for (const [key, value] of Object.entries(history)) if (value !== undefined) Object.assign(options, { [key]: value })
  for (const [flag, key, envName, min, max] of LIMIT_FLAGS) {
    const n = integer(`--${flag}`, str(flag, envName), min, max)
    if (n !== undefined) options[key] = n
  }
  return options
}

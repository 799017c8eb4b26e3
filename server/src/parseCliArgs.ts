import { parseArgs } from 'node:util'
import type { RelayOptions } from './relayOptions.ts'

export const USAGE = `Usage: tandem-server [options]

  --host H              interface to listen on        (env TANDEM_HOST, default 127.0.0.1)
  --port P              port, 0 for any free one      (env TANDEM_PORT, default 1234)
  --data DIR            folder of the SQLite storage  (env TANDEM_DATA, default ./data)
  --max-frame-bytes N   largest accepted frame        (env TANDEM_MAX_FRAME_BYTES, default 4194304)
  --sync normal|full    SQLite durability: normal survives process crashes, full also power loss
                                                      (env TANDEM_SYNC, default normal)
  --static DIR          also serve the files of DIR over HTTP (the playground)
  --log-level L         info, warn, error or silent   (env TANDEM_LOG_LEVEL, default info)
  -h, --help            print this help
`

/** Bad command-line input: the message is meant for the person who typed it. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface CliOptions extends RelayOptions {
  logLevel: 'info' | 'warn' | 'error' | 'silent'
  help: boolean
}

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got '${text}'`)
  return n
}

function oneOf<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined
  if (!allowed.includes(text as T)) throw new UsageError(`${name} must be one of ${allowed.join(', ')}, got '${text}'`)
  return text as T
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
        'max-frame-bytes': { type: 'string' },
        sync: { type: 'string' },
        static: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const str = (flag: string, envName: string) => (values[flag] as string | undefined) ?? env[envName]
  return {
    host: str('host', 'TANDEM_HOST') ?? '127.0.0.1',
    port: integer('--port', str('port', 'TANDEM_PORT'), 0, 65535) ?? 1234,
    dataDir: str('data', 'TANDEM_DATA') ?? './data',
    maxFrameBytes: integer(
      '--max-frame-bytes',
      str('max-frame-bytes', 'TANDEM_MAX_FRAME_BYTES'),
      1024,
      256 * 1024 * 1024,
    ),
    synchronous: oneOf('--sync', str('sync', 'TANDEM_SYNC'), ['normal', 'full'] as const),
    staticDir: values.static as string | undefined,
    logLevel:
      oneOf('--log-level', str('log-level', 'TANDEM_LOG_LEVEL'), ['info', 'warn', 'error', 'silent'] as const) ??
      'info',
    help: values.help === true,
  }
}

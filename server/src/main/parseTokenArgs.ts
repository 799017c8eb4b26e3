import { parseArgs } from 'node:util'
import type { AuthClaims } from '@tandem/protocol'
import { parseDuration } from '../auth/parseDuration.ts'
import { UsageError } from './parseCliArgs.ts'

export interface TokenCommand {
  claims: Omit<AuthClaims, 'exp'>
  ttlMs: number
  secretFile?: string
}

/** `tandem-server token --sub alice --docs 'team/*' --scope write --ttl 1h` */
export function parseTokenArgs(argv: string[]): TokenCommand {
  let values: Record<string, string | string[] | undefined>
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        sub: { type: 'string' },
        name: { type: 'string' },
        docs: { type: 'string', multiple: true },
        collections: { type: 'string', multiple: true },
        scope: { type: 'string' },
        ttl: { type: 'string' },
        'secret-file': { type: 'string' },
      },
    }))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const sub = values.sub as string | undefined
  if (!sub) throw new UsageError('token needs --sub')
  const scope = (values.scope as string | undefined) ?? 'read'
  if (scope !== 'read' && scope !== 'write') throw new UsageError(`--scope must be read or write, got '${scope}'`)
  let ttlMs: number
  try {
    ttlMs = parseDuration((values.ttl as string | undefined) ?? '1h')
  } catch (err) {
    throw new UsageError(`--ttl: ${(err as Error).message}`)
  }
  return {
    claims: {
      sub,
      name: values.name as string | undefined,
      docs: (values.docs as string[] | undefined) ?? [],
      collections: (values.collections as string[] | undefined) ?? [],
      scope,
    },
    ttlMs,
    secretFile: values['secret-file'] as string | undefined,
  }
}

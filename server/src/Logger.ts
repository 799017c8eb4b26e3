export type LogFields = Record<string, unknown>

/** Structured logging, one JSON object per line, so operators can ship it anywhere. */
export interface Logger {
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

type Level = 'info' | 'warn' | 'error' | 'silent'
const rank: Record<Level, number> = { info: 0, warn: 1, error: 2, silent: 3 }

export function createLogger(
  level: Level = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const emit = (lvl: Exclude<Level, 'silent'>, msg: string, fields?: LogFields) => {
    if (rank[lvl] < rank[level]) return
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`)
  }
  return {
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  }
}

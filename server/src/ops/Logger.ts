import pino from 'pino'

export type LogFields = Record<string, unknown>

/** Structured logging; the relay logs through this small interface, so tests can capture it. */
export interface Logger {
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

export type LogLevel = 'info' | 'warn' | 'error' | 'silent'

/**
 * A pino logger writing one JSON object per line to stderr (stdout carries only the ready
 * line), so operators can ship it anywhere. `write` redirects the lines, for tests.
 */
export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  // Synchronous: the process may exit right after a line (shutdown), which must not be lost.
  const destination = write ? { write } : pino.destination({ fd: 2, sync: true })
  const p = pino(
    {
      level,
      base: { service: 'tandem-relay' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  )
  return {
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
  }
}

import { describe, expect, it } from 'vitest'
import { parseDocName } from '../../../server/src/docs/parseDocName.ts'
import { parseCliArgs, UsageError } from '../../../server/src/main/parseCliArgs.ts'

describe('parseDocName', () => {
  it('URL-decodes the path and ignores the query string', () => {
    expect(parseDocName('/my%20doc?token=x', 100)).toBe('my doc')
    expect(parseDocName('/team/notes/2024', 100)).toBe('team/notes/2024')
  })
  it('refuses empty, too long, undecodable and control-character names', () => {
    expect(parseDocName('/', 100)).toBeNull()
    expect(parseDocName(`/${'a'.repeat(101)}`, 100)).toBeNull()
    expect(parseDocName('/%E0%A4%A', 100)).toBeNull()
    expect(parseDocName('/a%00b', 100)).toBeNull()
  })
})

describe('parseCliArgs', () => {
  it('uses defaults, then env, then flags', () => {
    expect(parseCliArgs([], {})).toMatchObject({ host: '127.0.0.1', port: 1234, dataDir: './data' })
    expect(parseCliArgs([], { TANDEM_PORT: '99', TANDEM_DATA: '/d' })).toMatchObject({ port: 99, dataDir: '/d' })
    expect(parseCliArgs(['--port', '7'], { TANDEM_PORT: '99' })).toMatchObject({ port: 7 })
    expect(parseCliArgs(['--max-frame-bytes', '2048'], {})).toMatchObject({ maxFrameBytes: 2048 })
  })
  it('refuses unknown flags and bad values with a UsageError', () => {
    expect(() => parseCliArgs(['--prot', '1'], {})).toThrow(UsageError)
    expect(() => parseCliArgs(['--port', 'abc'], {})).toThrow(/--port must be an integer/)
    expect(() => parseCliArgs(['--port', '70000'], {})).toThrow(UsageError)
    expect(() => parseCliArgs(['--sync', 'sometimes'], {})).toThrow(/--sync must be one of/)
    expect(() => parseCliArgs(['extra'], {})).toThrow(UsageError)
  })
})

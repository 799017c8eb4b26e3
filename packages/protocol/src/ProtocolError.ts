import { CloseCode } from './closeCodes.ts'

/**
 * Bad input from the other side of the wire. It is never a programmer error: callers catch
 * it, close the offending connection with {@link ProtocolError.closeCode}, and go on.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  constructor(
    message: string,
    readonly closeCode: CloseCode = CloseCode.MalformedMessage,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

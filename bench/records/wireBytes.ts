// Bytes on the wire, counted at the WebSocket: every frame's payload plus its WebSocket header,
// both directions. The relay runs without permessage-deflate, so payload bytes are what travels
// (TCP/IP headers aside). The same wrapper works on Node's `ws` and on the browser's WebSocket,
// so Node and Chromium figures are counted the same way.

export interface ByteCounter {
  sent: number
  received: number
  framesOut: number
  framesIn: number
}

export const newCounter = (): ByteCounter => ({ sent: 0, received: 0, framesOut: 0, framesIn: 0 })

export const totalBytes = (c: ByteCounter) => c.sent + c.received

/** A snapshot, so a phase can be measured as the difference of two. */
export const snapshot = (c: ByteCounter): ByteCounter => ({ ...c })

export function since(before: ByteCounter, now: ByteCounter): ByteCounter {
  return {
    sent: now.sent - before.sent,
    received: now.received - before.received,
    framesOut: now.framesOut - before.framesOut,
    framesIn: now.framesIn - before.framesIn,
  }
}

/** RFC 6455 framing: 2 header bytes, 2 or 8 more for longer payloads, 4 for the client's mask. */
export function frameBytes(payload: number, masked: boolean): number {
  const length = payload < 126 ? 0 : payload < 65_536 ? 2 : 8
  return 2 + length + (masked ? 4 : 0) + payload
}

type Payload = string | ArrayBufferLike | ArrayBufferView | Blob

export function payloadLength(data: Payload): number {
  if (typeof data === 'string') return new TextEncoder().encode(data).byteLength
  if (data instanceof Blob) return data.size
  return data.byteLength
}

/** A WebSocket class that counts every frame it sends and receives into `counter`. */
export function countingWebSocket(Base: typeof WebSocket, counter: ByteCounter): typeof WebSocket {
  return class CountingWebSocket extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      this.addEventListener('message', (event: MessageEvent) => {
        counter.received += frameBytes(payloadLength(event.data as Payload), false)
        counter.framesIn++
      })
    }

    override send(data: Payload): void {
      counter.sent += frameBytes(payloadLength(data), true)
      counter.framesOut++
      super.send(data as Parameters<WebSocket['send']>[0])
    }
  }
}

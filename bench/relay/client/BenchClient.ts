// A light sync client for the load generator: one raw `ws` socket and one Y.Doc, speaking
// either y-websocket or Hocuspocus framing. It answers the server's step 1, sends its own, and
// either applies what it receives (`apply: true`) or only hands updates to `onUpdate`.
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import type { Flavour } from '../servers/index.ts'
import { decode, encodeHocusAuth, encodeKeepalive, encodeSync, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from './wire.ts'

const REMOTE = Symbol('remote')
/** Hocuspocus drops connections silent for 60 s; its provider renews awareness every 15 s. */
const KEEPALIVE_MS = 15_000

export interface ClientOptions {
  url: string
  flavour: Flavour
  docName: string
  doc?: Y.Doc
  /** apply received updates to the doc (cold load, idle); off for fan-out receivers */
  apply?: boolean
  /** resolve `ready` on open instead of on the first step 2 (raw forwarder: nobody answers) */
  readyOnOpen?: boolean
  onUpdate?: (update: Uint8Array, receivedAt: number) => void
}

export class BenchClient {
  readonly doc: Y.Doc
  readonly ready: Promise<void>
  private readonly ws: WebSocket
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = []
  private closed = false
  private keepalive: NodeJS.Timeout | undefined
  /** set when the server closed the socket: code and reason */
  closedBy: string | null = null

  constructor(private readonly opts: ClientOptions) {
    this.doc = opts.doc ?? new Y.Doc()
    this.ws = new WebSocket(opts.url, { perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.ready = new Promise<void>((resolve, reject) => {
      this.ws.once('error', reject)
      this.ws.once('close', () => reject(new Error(`closed before ready: ${opts.url}`)))
      this.ws.once('open', () => {
        if (opts.flavour === 'hocus') {
          this.ws.send(encodeHocusAuth(opts.docName))
          const frame = encodeKeepalive(opts.flavour, opts.docName)
          this.keepalive = setInterval(() => this.send(frame), KEEPALIVE_MS)
        }
        this.sendStep1()
        if (opts.readyOnOpen) resolve()
      })
      this.waiters.push({ resolve, reject })
    })
    this.ready.catch(() => {})
    this.ws.on('error', () => {})
    this.ws.on('close', (code: number, reason: Buffer) => {
      clearInterval(this.keepalive)
      this.closedBy = `${code} ${reason.toString()}`
      const err = new Error(`${opts.docName}: socket closed (${this.closedBy})`)
      for (const w of this.waiters.splice(0)) w.reject(err)
    })
    this.ws.on('message', (data: Buffer) => this.onMessage(data))
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.send(encodeSync(opts.flavour, opts.docName, SYNC_UPDATE, update))
    })
  }

  private sendStep1(): void {
    this.send(encodeSync(this.opts.flavour, this.opts.docName, SYNC_STEP1, Y.encodeStateVector(this.doc)))
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame)
  }

  /** Bytes queued in the socket but not yet written. */
  get buffered(): number {
    return this.ws.bufferedAmount
  }

  /** Sends step 1 and resolves at the next step 2: everything sent before has been handled. */
  barrier(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closedBy !== null) return reject(new Error(`${this.opts.docName}: socket closed (${this.closedBy})`))
      const timer = setTimeout(() => reject(new Error(`barrier timeout on ${this.opts.docName}`)), timeoutMs)
      this.waiters.push({
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      this.sendStep1()
    })
  }

  private onMessage(data: Buffer): void {
    const now = performance.now()
    const msg = decode(this.opts.flavour, data)
    switch (msg.kind) {
      case 'step1':
        this.send(
          encodeSync(
            this.opts.flavour,
            this.opts.docName,
            SYNC_STEP2,
            Y.encodeStateAsUpdate(this.doc, msg.stateVector),
          ),
        )
        break
      case 'step2': {
        if (this.opts.apply) Y.applyUpdate(this.doc, msg.update, REMOTE)
        for (const w of this.waiters.splice(0)) w.resolve()
        break
      }
      case 'update':
        if (this.opts.apply) Y.applyUpdate(this.doc, msg.update, REMOTE)
        this.opts.onUpdate?.(msg.update, now)
        break
      case 'denied':
        this.ws.close()
        break
      default:
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    clearInterval(this.keepalive)
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate()
        resolve()
      }, 2000)
      this.ws.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      this.ws.close()
    })
  }
}

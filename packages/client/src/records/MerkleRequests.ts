import { encodeTandemMessage, TandemMessageType as T, type TandemMessage } from '@tandem/protocol'
import type { MerkleRequestBody } from '@tandem/records'
import type { MerkleExchange } from './merkleCheckIn.ts'

type Reply = Extract<TandemMessage, { type: T.MerkleReply }>

/** A check-in step without an answer after this long fails the check-in (it is retried next sync). */
const TIMEOUT_MS = 10_000

/**
 * Request/response over the records channel for Merkle check-ins: each request carries an id
 * the reply echoes. Counts the bytes of both whole frames, which is what a check-in reports
 * against a full resync.
 */
export class MerkleRequests {
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>()
  private nextId = 1

  constructor(
    private readonly channel: number,
    private readonly send: (message: TandemMessage) => boolean,
  ) {}

  readonly exchange: MerkleExchange = (body: MerkleRequestBody) =>
    new Promise((resolve, reject) => {
      const id = this.nextId++
      const message: TandemMessage = { type: T.MerkleRequest, channel: this.channel, id, json: JSON.stringify(body) }
      const timer = setTimeout(() => this.settle(id, new Error('check-in timed out')), TIMEOUT_MS)
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer)
          resolve({ json: reply.json, bytes: encodeTandemMessage(reply).length + encodeTandemMessage(message).length })
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      if (!this.send(message)) this.settle(id, new Error('offline'))
    })

  reply(message: Reply): void {
    this.settle(message.id, message)
  }

  /** The connection is gone: every open request fails. */
  abort(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, new Error('connection lost'))
  }

  private settle(id: number, outcome: Reply | Error): void {
    const entry = this.pending.get(id)
    if (!entry) return
    this.pending.delete(id)
    if (outcome instanceof Error) entry.reject(outcome)
    else entry.resolve(outcome)
  }
}

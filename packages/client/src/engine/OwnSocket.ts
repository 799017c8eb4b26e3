import type { TandemMessage } from '@tandem/protocol'
import type { Observable } from '../Observable.ts'
import type { ChannelHandler, ConnectionState, SyncTransport } from '../SyncTransport.ts'
import type { ChannelSubject } from './engineMessages.ts'

/**
 * The tab's own socket, once the shared worker refused the tab: it carries the tab's channels
 * under its own numbers, and its state is shown as the tab's.
 */
export class OwnSocket {
  private readonly ids = new Map<number, number>()
  private readonly stop: () => void

  constructor(
    private readonly transport: SyncTransport,
    state: Observable<ConnectionState>,
  ) {
    this.stop = transport.state.subscribe((value) => state.set(value))
    state.set(transport.state.value)
  }

  open(channel: number, subject: ChannelSubject, handler: ChannelHandler, token?: () => string): void {
    const id =
      subject.kind === 'doc'
        ? this.transport.open(subject.doc, handler)
        : this.transport.openRecords(subject.collection, handler, token ?? (() => subject.token))
    this.ids.set(channel, id)
  }

  close(channel: number): void {
    const id = this.ids.get(channel)
    if (id === undefined) return
    this.ids.delete(channel)
    this.transport.close(id)
  }

  send(message: TandemMessage): boolean {
    if (!('channel' in message)) return false
    const id = this.ids.get(message.channel)
    return id !== undefined && this.transport.send({ ...message, channel: id })
  }

  setEnabled(enabled: boolean): void {
    this.transport.setEnabled(enabled)
  }

  destroy(): void {
    this.stop()
    this.transport.destroy()
  }
}

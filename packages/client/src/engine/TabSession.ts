import { TandemMessageType as T, type TandemMessage } from '@tandem/protocol'
import type { ChannelHandler } from '../SyncTransport.ts'
import type { EngineHub } from './EngineHub.ts'
import type { ChannelSubject, EngineToTab, PortLike, TabToEngine } from './engineMessages.ts'

interface TabChannel {
  subject: ChannelSubject
  /** The channel on the shared socket while attached; null while this tab is switched off. */
  shared: number | null
}

/**
 * One tab as the engine sees it: its channels, numbered by the tab, mapped onto channels of
 * the shared socket. A tab's offline switch detaches only its own channels, so one tab going
 * offline leaves the others online, as it would with a socket each.
 */
export class TabSession {
  private readonly channels = new Map<number, TabChannel>()
  private enabled = true
  private gone = false
  private readonly stopState: () => void

  constructor(
    private readonly port: PortLike,
    private readonly hub: EngineHub,
    readonly hasToken: boolean,
    private gen: number,
  ) {
    hub.join(this)
    this.stopState = hub.transport.state.subscribe((value) => {
      if (this.enabled) this.post({ t: 'state', value, gen: this.gen })
    })
    this.post({ t: 'state', value: hub.transport.state.value, gen: this.gen })
  }

  receive(m: TabToEngine): void {
    if (this.gone) return
    switch (m.t) {
      case 'open':
        if (!Number.isSafeInteger(m.channel) || this.channels.has(m.channel))
          throw new Error(`channel ${m.channel} is already open or not a channel number`)
        // Checked here, not when the socket subscribes it: a bad subject would throw there, in the
        // middle of resubscribing every tab's channels.
        this.channels.set(m.channel, { subject: checkedSubject(m.subject), shared: null })
        if (this.enabled) this.attach(m.channel)
        return
      case 'token': {
        const channel = this.channels.get(m.channel)
        if (typeof m.token !== 'string') throw new Error('a sync token must be a string')
        if (channel?.subject.kind === 'records') channel.subject.token = m.token
        return
      }
      case 'close':
        this.detach(m.channel)
        this.channels.delete(m.channel)
        return
      case 'send':
        return this.send(m.m)
      case 'enabled':
        return this.setEnabled(m.value, m.gen)
      case 'auth':
        return this.hub.answer(m.id, m.token, m.error)
      case 'bye':
        return this.leave()
      case 'ping':
        return this.post({ t: 'pong' })
      case 'hello':
        throw new Error('hello sent twice')
    }
  }

  askToken(id: number): void {
    this.post({ t: 'auth?', id })
  }

  error(message: string): void {
    this.post({ t: 'error', message })
  }

  /** The tab has gone (its lock was released, or it said bye): its channels leave the socket. */
  leave(): void {
    if (this.gone) return
    this.gone = true
    this.stopState()
    for (const channel of this.channels.keys()) this.detach(channel)
    this.channels.clear()
    this.hub.leave(this)
  }

  private send(m: TandemMessage): void {
    // Only frames of this tab's own attached channels: a tab cannot speak for another.
    if (!('channel' in m) || m.type === T.Subscribe || m.type === T.Unsubscribe || m.type === T.RecordsSubscribe)
      throw new Error(`a tab cannot send message type ${m.type}`)
    const shared = this.channels.get(m.channel)?.shared
    if (shared == null) return
    this.hub.transport.send({ ...m, channel: shared })
  }

  private setEnabled(value: boolean, gen: number): void {
    this.gen = gen
    if (this.enabled === value) return
    this.enabled = value
    if (value) {
      this.post({ t: 'state', value: this.hub.transport.state.value, gen })
      for (const channel of this.channels.keys()) this.attach(channel)
    } else {
      for (const channel of this.channels.keys()) this.detach(channel)
    }
  }

  private attach(tabChannel: number): void {
    const channel = this.channels.get(tabChannel)
    if (!channel || channel.shared !== null) return
    const handler: ChannelHandler = {
      opened: () => this.post({ t: 'opened', channel: tabChannel, gen: this.gen }),
      message: (m) => this.post({ t: 'message', m: { ...m, channel: tabChannel } as TandemMessage, gen: this.gen }),
      closed: () => this.post({ t: 'closed', channel: tabChannel, gen: this.gen }),
    }
    const { subject } = channel
    const transport = this.hub.transport
    channel.shared =
      subject.kind === 'doc'
        ? transport.open(subject.doc, handler)
        : transport.openRecords(subject.collection, handler, () => subject.token)
  }

  private detach(tabChannel: number): void {
    const channel = this.channels.get(tabChannel)
    if (!channel || channel.shared === null) return
    this.hub.transport.close(channel.shared)
    channel.shared = null
  }

  private post(message: EngineToTab): void {
    try {
      this.port.postMessage(message)
    } catch {
      // A port whose tab is gone: its lock tells the engine soon.
    }
  }
}

function checkedSubject(subject: ChannelSubject): ChannelSubject {
  const s = subject as Partial<Record<string, unknown>> | null
  if (s?.kind === 'doc' && typeof s.doc === 'string') return { kind: 'doc', doc: s.doc }
  if (s?.kind === 'records' && typeof s.collection === 'string' && typeof s.token === 'string')
    return { kind: 'records', collection: s.collection, token: s.token }
  throw new Error('a channel subject is a document name or a collection with its sync token')
}

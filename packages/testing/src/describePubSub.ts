import type { PubSub } from '@tandem/server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { bytes } from './storageBytes.ts'

/**
 * How the PubSub suite drives an implementation. Each test gets a fresh harness and one pair.
 */
export interface PubSubHarness {
  /** Two instances on one bus, as two relays would hold them. */
  pair(): Promise<[PubSub, PubSub]>
  /**
   * Drops the link of `target` (messages published meanwhile may be lost) and resolves once it
   * is down; the function it returns brings the link back. Other instances may drop too.
   */
  interrupt(target: PubSub): Promise<() => Promise<void>>
  /** Releases the backing bus; the instances are closed by then. */
  destroy(): Promise<void>
}

// Probes find out when a subscription is live (Redis subscribes asynchronously); they carry a
// prefix no test payload starts with, and the listener drops them.
const PROBE = new TextEncoder().encode('tandem-pubsub-probe:')
const isProbe = (m: Uint8Array) => m.length >= PROBE.length && PROBE.every((b, i) => m[i] === b)

interface Listener {
  readonly messages: Uint8Array[]
  readonly probes: number
}

function listen(pubsub: PubSub, channel: string): Listener {
  const listener = { messages: [] as Uint8Array[], probes: 0 }
  pubsub.subscribe(channel, (m) => {
    if (isProbe(m)) listener.probes++
    else listener.messages.push(m)
  })
  return listener
}

/** Publishes probes until one arrives: from then on, what `from` publishes reaches `listener`. */
async function live(from: PubSub, channel: string, listener: Listener): Promise<void> {
  const seen = listener.probes
  await eventually(`a subscription to '${channel}' to be live`, async () => {
    await from.publish(channel, PROBE).catch(() => {})
    return listener.probes > seen
  })
}

const arrays = (messages: Uint8Array[]) => messages.map((m) => Array.from(m))
const numbered = (tag: string, n: number) => Array.from({ length: n }, (_, i) => bytes(`${tag}${i}`, 8 + (i % 5)))

/**
 * The acceptance suite of the PubSub contract (server/src/cluster/PubSub.ts): what one relay
 * publishes reaches the other relays' subscribers as the same bytes, in the order it published,
 * on the channel it named only; a dropped link shows as `healthy === false` and ends in
 * `onResync`, after which messages flow again on the same subscriptions.
 */
export function describePubSub(name: string, createHarness: () => Promise<PubSubHarness>): void {
  describe(`PubSub acceptance: ${name}`, () => {
    let harness: PubSubHarness
    let a: PubSub
    let b: PubSub

    beforeEach(async () => {
      harness = await createHarness()
      ;[a, b] = await harness.pair()
    })
    afterEach(async () => {
      await a.close().catch(() => {})
      await b.close().catch(() => {})
      await harness.destroy()
    })

    it('delivers the exact bytes, views and empty messages included', async () => {
      const heard = listen(b, 'bytes')
      await live(a, 'bytes', heard)
      const all = Uint8Array.from({ length: 256 }, (_, i) => i)
      const backing = bytes('backing', 64)
      const sent = [new Uint8Array(0), all, bytes('large', 256 * 1024), backing.subarray(10, 30), Uint8Array.of(0)]
      for (const m of sent) await a.publish('bytes', m)
      await eventually('every message', () => heard.messages.length >= sent.length)
      expect(heard.messages.every((m) => m instanceof Uint8Array)).toBe(true)
      expect(arrays(heard.messages)).toEqual(arrays(sent))
    })

    it("keeps each publisher's order, in both directions at once", async () => {
      const atB = listen(b, 'order')
      const atA = listen(a, 'order')
      await live(a, 'order', atB)
      await live(b, 'order', atA)
      const fromA = numbered('a', 200)
      const fromB = numbered('b', 200)
      // Not awaited one by one: an adapter must not reorder publishes that overlap.
      await Promise.all([...fromA.map((m) => a.publish('order', m)), ...fromB.map((m) => b.publish('order', m))])
      // Redis also echoes an instance's own publishes to it; the contract is about the others'.
      const from = (tag: string, heard: Uint8Array[]) => arrays(heard).filter((m) => m[0] === tag.charCodeAt(0))
      await eventually(
        'both streams',
        () => from('a', atB.messages).length >= 200 && from('b', atA.messages).length >= 200,
      )
      expect(from('a', atB.messages)).toEqual(arrays(fromA))
      expect(from('b', atA.messages)).toEqual(arrays(fromB))
    })

    it('keeps channels apart and stops delivering on unsubscribe', async () => {
      const x = listen(b, 'x')
      const y = listen(b, 'y')
      await live(a, 'x', x)
      await live(a, 'y', y)
      await a.publish('x', bytes('x1'))
      await a.publish('z', bytes('z1'))
      await a.publish('y', bytes('y1'))
      await eventually('x1 and y1', () => x.messages.length >= 1 && y.messages.length >= 1)
      b.unsubscribe('x')
      // In publish order: once y2 is in, x2 would have been too, had the unsubscribe not held.
      await a.publish('x', bytes('x2'))
      await a.publish('y', bytes('y2'))
      await eventually('y2', () => y.messages.length >= 2)
      expect(arrays(x.messages)).toEqual(arrays([bytes('x1')]))
      expect(arrays(y.messages)).toEqual(arrays([bytes('y1'), bytes('y2')]))
      const again = listen(b, 'x')
      await live(a, 'x', again)
      await a.publish('x', bytes('x3'))
      await eventually('x3 after resubscribing', () => again.messages.length >= 1)
      expect(arrays(again.messages)).toEqual(arrays([bytes('x3')]))
    })

    it('reports an unhealthy link, resyncs when it is back, and delivers again', async () => {
      let resyncs = 0
      b.onResync(() => resyncs++)
      const heard = listen(b, 'link')
      await live(a, 'link', heard)
      expect(a.healthy).toBe(true)
      expect(b.healthy).toBe(true)
      expect(resyncs).toBe(0)
      const restore = await harness.interrupt(b)
      await eventually('the link to show as down', () => !b.healthy)
      await restore()
      await eventually('the link to be healthy again', () => b.healthy)
      await eventually('a resync after the outage', () => resyncs > 0)
      await live(a, 'link', heard)
      await a.publish('link', bytes('after'))
      await eventually('the message after the outage', () => heard.messages.length >= 1)
      expect(arrays(heard.messages)).toEqual(arrays([bytes('after')]))
    })
  })
}

import {
  assertValidStateVector,
  assertValidUpdate,
  CloseCode,
  decodeAwarenessUpdate,
  decodeMessage,
  MessageType,
  ProtocolError,
  SyncMessageType,
} from '@tandem/protocol'
import { expect } from 'vitest'
import { docFingerprint, type StockClient, syncedClient } from './client.ts'
import { healthz, type ServerProcess, uncaughtCount } from './serverProcess.ts'
import { waitUntil } from './wait.ts'

/**
 * Shared setup and checks for the hostile-input tests: a victim document with known content
 * and a watcher in its room, and, after each attack, proof that nothing was harmed.
 */

export const victimShape = { text: ['text'], map: ['map'] }

export interface Victim {
  name: string
  /** The victim document as a fresh client must see it after the attack. */
  expected: string
  /** A stock client in the attacked room during the attack; it must not be disturbed. */
  watcher: StockClient
  /** How often the watcher's connection closed since the victim was prepared. */
  watcherCloses(): number
}

export async function prepareVictim(server: ServerProcess, name: string): Promise<Victim> {
  const writer = await syncedClient(server.url, name)
  const watcher = await syncedClient(server.url, name)
  writer.doc.getText('text').insert(0, `content of ${name}`)
  writer.doc.getMap('map').set('owner', name)
  const expected = docFingerprint(writer.doc, victimShape)
  await waitUntil('the watcher has the victim content', () => docFingerprint(watcher.doc, victimShape) === expected)
  writer.destroy()
  let closes = 0
  watcher.provider.on('connection-close', () => {
    closes++
  })
  return { name, expected, watcher, watcherCloses: () => closes }
}

/**
 * After an attack: the process is alive and healthy, a fresh client sees exactly the earlier
 * content, the watcher in the attacked room still gets edits, and another document (held
 * open by `bystanders`) still syncs between two clients.
 */
export async function assertUnharmed(
  server: ServerProcess,
  victim: Victim,
  bystanders: readonly [StockClient, StockClient],
): Promise<void> {
  expect(server.alive(), `server died: ${server.stderr()}`).toBe(true)
  expect(await healthz(server.url)).toBe(200)
  expect(await uncaughtCount(server), 'errors reached the process safety net').toBe(0)
  // the watcher would reconnect on its own, so "still gets edits" alone would not prove it was left alone
  expect(victim.watcherCloses(), 'the watcher in the attacked room was disconnected').toBe(0)

  const fresh = await syncedClient(server.url, victim.name)
  try {
    expect(docFingerprint(fresh.doc, victimShape)).toBe(victim.expected)
    const mark = `after-attack-${Date.now()}`
    fresh.doc.getMap('map').set('mark', mark)
    await waitUntil(
      'the watcher in the attacked room gets a new edit',
      () => victim.watcher.doc.getMap('map').get('mark') === mark,
    )
  } finally {
    fresh.destroy()
  }

  const [a, b] = bystanders
  const token = `bystander-${Date.now()}-${Math.random()}`
  a.doc.getArray<string>('log').push([token])
  await waitUntil('another document still syncs', () => b.doc.getArray<string>('log').toArray().includes(token))
}

/**
 * The close code the relay contract gives `frame`, or null if the frame is valid. Computed
 * with the protocol package's own decoders, so a random frame's expectation is exact.
 */
export function expectedCloseCode(frame: Uint8Array): number | null {
  const codeOf = (err: unknown) => (err instanceof ProtocolError ? err.closeCode : CloseCode.MalformedMessage)
  try {
    const message = decodeMessage(frame)
    if (message.type === MessageType.Sync) {
      if (message.sync === SyncMessageType.Step1) assertValidStateVector(message.stateVector)
      else assertValidUpdate(message.update)
    } else if (message.type === MessageType.Awareness) {
      decodeAwarenessUpdate(message.update)
    }
    return null
  } catch (err) {
    return codeOf(err)
  }
}

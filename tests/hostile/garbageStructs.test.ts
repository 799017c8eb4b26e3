import { assertValidUpdate, CloseCode, encodeSyncStep2, encodeUpdate } from '@tandem/protocol'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { syncedClient } from '../helpers/client.ts'
import { chance, createRng, intIn, pick, type Rng, randomBytes, testSeed } from '../helpers/prng.ts'
import { withTimeout } from '../helpers/wait.ts'
import { type HostileRig, startRig } from './rig.ts'
import { docUpdate, hello, inParallel, openHostile, sendFrames, subscribe, varUint } from './sockets.ts'

/**
 * Attack 3: structurally valid sync-update envelopes around garbage structs: real Yjs updates
 * (text, formatting, maps, arrays, subdocument-free nesting, deletes) mutated by bit flips,
 * byte overwrites, cuts, inserted and duplicated runs and inflated varints, plus random bytes.
 * Mutants that Yjs refuses must close their connection with InvalidUpdate (4422) and leave the
 * victim untouched. Mutants that still parse are sent to a separate document, which must stay
 * loadable by a fresh client (the relay merges and diffs what it accepted).
 */

const seed = testSeed('hostile garbage structs')
const MUTANTS = 700
let rig: HostileRig
beforeAll(async () => {
  rig = await startRig('garbage')
})
afterAll(() => rig?.close())

/** Real updates as a legitimate editor produces them, one per transaction. */
function realUpdates(): Uint8Array[] {
  const doc = new Y.Doc()
  const out: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => out.push(u))
  const text = doc.getText('text')
  text.insert(0, 'Hello wörld 👋 with some longer content')
  text.format(0, 5, { bold: true })
  text.delete(6, 6)
  const map = doc.getMap('map')
  map.set('n', 42)
  map.set('s', 'string')
  map.set('b', new Uint8Array([1, 2, 3]))
  map.set('o', { deep: { list: [1, 'two', null, true] } })
  const nested = new Y.Map()
  map.set('ymap', nested)
  nested.set('k', 'v')
  const arr = doc.getArray('arr')
  arr.push([1, 2, 3, 'four', { five: 5 }])
  arr.delete(1, 2)
  const xml = doc.getXmlFragment('xml')
  xml.insert(0, [new Y.XmlElement('p'), new Y.XmlText('inline')])
  out.push(Y.encodeStateAsUpdate(doc))
  return out
}

function mutate(rng: Rng, real: Uint8Array): Uint8Array {
  const u = real.slice()
  const at = intIn(rng, 0, Math.max(0, u.length - 1))
  const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]))
  const set = (value: number) => {
    if (u.length > 0) u[at] = value
    return u
  }
  return pick(rng, [
    () => set(u[at]! ^ (1 << intIn(rng, 0, 7))),
    () => set(intIn(rng, 0, 255)),
    () => set(0xff),
    () => u.subarray(0, at),
    () => concat(u.subarray(0, at), randomBytes(rng, intIn(rng, 1, 8)), u.subarray(at)),
    () => concat(u.subarray(0, at), u.subarray(at, at + intIn(rng, 1, 16)), u.subarray(at)),
    () => concat(u.subarray(0, at), varUint(pick(rng, [2 ** 31, 2 ** 32 - 1, 2 ** 53 - 1])), u.subarray(at + 1)),
    () => randomBytes(rng, intIn(rng, 1, 300)),
  ])()
}

const valid = (u: Uint8Array) => {
  try {
    assertValidUpdate(u)
    return true
  } catch {
    return false
  }
}

it('closes garbage structs in valid update frames with InvalidUpdate and keeps every document usable', async () => {
  const v = await rig.victim('victim-garbage')
  const reals = realUpdates()
  const rng = createRng(seed)
  const mutants = Array.from({ length: MUTANTS }, () => mutate(rng, pick(rng, reals)))
  const refused = mutants.filter((m) => !valid(m))
  const parsing = mutants.filter(valid)
  const frameOf = (m: Uint8Array, i: number): { path: 'stock' | 'tandem'; frames: Uint8Array[] } =>
    i % 5 === 4
      ? { path: 'tandem', frames: [hello(), subscribe(1, v.name), docUpdate(1, i, m)] }
      : { path: 'stock', frames: [chance(rng, 0.8) ? encodeUpdate(m) : encodeSyncStep2(m)] }
  const plans = refused.map(frameOf)
  const before = await rig.baseline(async () => {
    await inParallel(20, 10, (i) => sendFrames(rig.url, plans[i]!.path, v.name, plans[i]!.frames))
  })
  const stop = rig.sampleRss()
  const codes = await inParallel(plans.length, 25, (i) => sendFrames(rig.url, plans[i]!.path, v.name, plans[i]!.frames))

  // mutants Yjs still parses go into a document of their own, on one connection
  const sink = await openHostile(rig.url, 'stock', 'garbage-that-parses')
  for (const m of parsing) sink.ws.send(encodeUpdate(m))
  await new Promise((r) => setTimeout(r, 500))
  const sinkCode = sink.isClosed() ? await sink.closed : 'open'
  sink.ws.terminate()
  const peak = await stop()
  console.log(
    `garbage: ${refused.length} refused mutants (${plans.filter((p) => p.path === 'tandem').length} on Tandem), ` +
      `${parsing.length} that parse (sink connection: ${sinkCode})`,
  )
  const wrong = codes.map((c, i) => ({ i, c })).filter(({ c }) => c !== CloseCode.InvalidUpdate)
  expect(wrong.slice(0, 5), `seed ${seed}: ${wrong.length} mutants closed with another code`).toEqual([])

  // the document that took the parsing mutants still loads, and still takes edits
  const reader = await withTimeout(
    'a client of the mutant document to sync',
    syncedClient(rig.url, 'garbage-that-parses'),
    10_000,
  ).catch((err: Error) => {
    const tail = rig.server
      .stderr()
      .split('\n')
      .filter((l) => /Error|server\/src|Node\.js| {4}at /.test(l) && !l.includes('closing connection'))
      .slice(-12)
      .join('\n')
    throw new Error(`seed ${seed}: ${err.message}; relay alive: ${rig.server.alive()}; its stderr ends:\n${tail}`)
  })
  reader.destroy()
  await rig.afterAttack('garbage structs', v, before, peak)
})

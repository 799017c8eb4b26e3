import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import * as Y from 'yjs'
import { absurdStructCount, craftUpdate, danglingOrigin, duplicateIds, throwingUpdates } from './craftedUpdates.ts'
import { chance, intIn, pick, type Rng, randomBytes } from './prng.ts'
import { repoRoot } from './serverProcess.ts'

/**
 * Material for attacks on a document's integrity: real updates from an editing trace and
 * mutants of them, plus hand-crafted updates no Yjs client writes.
 */

export const TRACE_CREDIT =
  'automerge-paper editing trace by Martin Kleppmann (CC BY 4.0), from the josephg/editing-traces collection'

type Patch = [number, number, string]

/** The first `count` transactions of the automerge-paper trace, each its own update, typed into `type`. */
export function traceUpdates(count: number, type = 'text'): Uint8Array[] {
  const candidates = [join(repoRoot, '../shared/data/traces'), join(repoRoot, '../../shared/data/traces')]
  const dir = candidates.find((d) => existsSync(join(d, 'automerge-paper.json.gz')))
  if (!dir) throw new Error(`the editing traces are missing (looked in ${candidates.join(', ')})`)
  const trace = JSON.parse(gunzipSync(readFileSync(join(dir, 'automerge-paper.json.gz'))).toString('utf8')) as {
    txns: { patches: Patch[] }[]
  }
  const doc = new Y.Doc()
  const text = doc.getText(type)
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (const txn of trace.txns.slice(0, count)) {
    doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del)
        if (ins) text.insert(pos, ins)
      }
    })
  }
  doc.destroy()
  return updates
}

/** A copy of `update` with one to three bits flipped. */
export function bitFlip(rng: Rng, update: Uint8Array): Uint8Array {
  const u = update.slice()
  for (let n = intIn(rng, 1, 3); n > 0; n--) {
    const at = intIn(rng, 0, u.length - 1)
    u[at] = u[at]! ^ (1 << intIn(rng, 0, 7))
  }
  return u
}

/** One batch of attacker updates of a kind, against a document a client `victimClient` wrote `known` characters of. */
export function attackBatch(
  rng: Rng,
  kind: AttackKind,
  count: number,
  reals: readonly Uint8Array[],
  victimClient: number,
  known: number,
): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    if (kind === 'bit-flips') out.push(bitFlip(rng, pick(rng, reals)))
    else if (kind === 'random bodies') out.push(randomBytes(rng, intIn(rng, 2, 200)))
    else if (kind === 'absurd counts')
      out.push(absurdStructCount(pick(rng, [2 ** 16, 2 ** 31, 2 ** 32 - 1, 2 ** 53 - 1])))
    else if (kind === 'dangling origins') {
      const client = 10_000 + intIn(rng, 0, 1_000_000)
      if (chance(rng, 0.5)) out.push(danglingOrigin(client, client + 1, intIn(rng, 1, 30)))
      else out.push(pick(rng, throwingUpdates(chance(rng, 0.5) ? victimClient : client, known)))
    } else {
      // the victim's own ids, and the trace writer's, with other content
      out.push(
        chance(rng, 0.5)
          ? duplicateIds(victimClient, intIn(rng, 1, 5))
          : craftUpdate([
              { client: victimClient, clock: intIn(rng, 0, Math.max(0, known - 1)), parent: 'text', text: 'X' },
            ]),
      )
    }
  }
  return out
}

export const ATTACK_KINDS = [
  'bit-flips',
  'random bodies',
  'absurd counts',
  'dangling origins',
  'duplicate ids',
] as const
export type AttackKind = (typeof ATTACK_KINDS)[number]

/**
 * Everything a reader sees in a document, structurally: per root type, its list elements in
 * order (id, deleted, content) and its map entries. Two docs with the same shape show the same.
 */
export function docShape(doc: Y.Doc): string {
  const out: Record<string, unknown> = {}
  for (const name of [...doc.share.keys()].sort()) {
    const type = doc.share.get(name)!
    const list: string[] = []
    for (let item = type._start; item; item = item.right) list.push(...elements(item))
    const map: Record<string, string[]> = {}
    for (const [key, item] of [...type._map.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) map[key] = elements(item)
    out[name] = { list, map }
  }
  return JSON.stringify(out)
}

function elements(item: Y.Item): string[] {
  const content = item.deleted ? [] : item.content.getContent()
  const out: string[] = []
  for (let i = 0; i < item.length; i++) {
    const value = item.deleted ? '-' : content[i] instanceof Y.AbstractType ? 'type' : JSON.stringify(content[i])
    out.push(`${item.id.client}:${item.id.clock + i}=${value}`)
  }
  return out
}

import { canonicalJson } from './canonicalJson.ts'
import { fnv1a64Text, type Hash64, hashToHex, mix32 } from './fnv1a64.ts'
import type { HlcStamp } from './HlcStamp.ts'
import type { LwwRecord } from './LwwRecord.ts'

function stampText(stamp: HlcStamp | undefined): string {
  return stamp ? `[${stamp.wall},${stamp.counter},${JSON.stringify(stamp.node)}]` : 'null'
}

/**
 * The canonical text of a record, itself valid JSON so it can be logged when two replicas
 * disagree: `[id, [[name, stamp, value], ...], deleted, restored]` with fields sorted by name,
 * stamps as `[wall, counter, node]` and values in canonical JSON. Two replicas holding the same
 * merged record produce the same text whatever order their properties were created in.
 */
export function canonicalRecordText(record: LwwRecord): string {
  let text = `[${JSON.stringify(record.id)},[`
  const names = Object.keys(record.fields).sort()
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const field = record.fields[name]!
    if (i > 0) text += ','
    text += `[${JSON.stringify(name)},${stampText(field.stamp)},${canonicalJson(field.value)}]`
  }
  return `${text}],${stampText(record.deleted)},${stampText(record.restored)}]`
}

/** The record's 64-bit digest, the leaf input of the Merkle tree. */
export function recordHash(record: LwwRecord): Hash64 {
  return fnv1a64Text(canonicalRecordText(record))
}

/**
 * {@link recordHash} as 16 hex digits. Stable across versions of this package only as long as
 * {@link canonicalRecordText} is; a change there must bump the check-in protocol, or every
 * client would see every bucket as divergent.
 */
export function recordDigest(record: LwwRecord): string {
  return hashToHex(recordHash(record))
}

/** A well-mixed 32-bit hash of a record id; its top nibbles pick the Merkle bucket. */
export function idHash(id: string): number {
  return mix32(fnv1a64Text(id))
}

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { fnv1a64 } from './fnv1a64.ts'
import { RecordsError } from './RecordsError.ts'

/**
 * Where a client is in a collection's change feed: the server's epoch, the collection, and the
 * last sequence number seen. A token is a position only for the server history and the
 * collection it names; anywhere else it gets a snapshot.
 */
export interface SyncPosition {
  /** Changes whenever the server's history is no longer continuous (restore, reset); a token from another epoch gets a snapshot. */
  readonly epoch: string
  /** Sequence numbers count per collection: another collection's position means nothing here. */
  readonly collection: string
  readonly seq: number
}

/** Version 1 tokens did not name their collection; they decode as invalid (and so get a snapshot). */
const VERSION = 2
const EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const MAX_COLLECTION_LENGTH = 512
const MAX_TOKEN_LENGTH = 1024

function checksum(bytes: Uint8Array): number {
  return fnv1a64(bytes).lo
}

/**
 * Token layout before base64url: version byte (2), varstring epoch, varstring collection,
 * varuint seq, then the
 * low 32 bits of FNV-1a 64 over the preceding bytes (big endian). The checksum makes a
 * truncated or hand-edited token fail loudly instead of silently skipping changes.
 */
export function encodeSyncToken(position: SyncPosition): string {
  if (typeof position.epoch !== 'string' || !EPOCH_PATTERN.test(position.epoch)) {
    throw new RecordsError('invalid-argument', `epoch must match ${EPOCH_PATTERN}`)
  }
  if (typeof position.collection !== 'string' || position.collection.length > MAX_COLLECTION_LENGTH) {
    throw new RecordsError(
      'invalid-argument',
      `collection must be a string of at most ${MAX_COLLECTION_LENGTH} characters`,
    )
  }
  if (!Number.isSafeInteger(position.seq) || position.seq < 0) {
    throw new RecordsError('invalid-argument', 'seq must be a non-negative safe integer')
  }
  const encoder = encoding.createEncoder()
  encoding.writeUint8(encoder, VERSION)
  encoding.writeVarString(encoder, position.epoch)
  encoding.writeVarString(encoder, position.collection)
  encoding.writeVarUint(encoder, position.seq)
  const body = encoding.toUint8Array(encoder)
  encoding.writeUint32BigEndian(encoder, checksum(body))
  return encodeBase64Url(encoding.toUint8Array(encoder))
}

/** Inverse of {@link encodeSyncToken}; throws {@link RecordsError} `invalid-token` for anything else. */
export function decodeSyncToken(token: unknown): SyncPosition {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new RecordsError(
      'invalid-token',
      `sync token must be a non-empty string of at most ${MAX_TOKEN_LENGTH} characters`,
    )
  }
  const bytes = decodeBase64Url(token)
  if (!bytes || bytes.length < 5) throw new RecordsError('invalid-token', 'sync token is not valid base64url')
  const body = bytes.subarray(0, bytes.length - 4)
  const decoder = decoding.createDecoder(bytes.subarray(bytes.length - 4))
  if (decoding.readUint32BigEndian(decoder) !== checksum(body)) {
    throw new RecordsError('invalid-token', 'sync token checksum mismatch')
  }
  const reader = decoding.createDecoder(body)
  let position: SyncPosition
  try {
    const version = decoding.readUint8(reader)
    if (version !== VERSION) throw new RecordsError('invalid-token', `unknown sync token version ${version}`)
    position = {
      epoch: decoding.readVarString(reader),
      collection: decoding.readVarString(reader),
      seq: decoding.readVarUint(reader),
    }
  } catch (err) {
    if (err instanceof RecordsError) throw err
    throw new RecordsError('invalid-token', `malformed sync token: ${(err as Error).message}`, { cause: err })
  }
  if (decoding.hasContent(reader)) throw new RecordsError('invalid-token', 'trailing bytes in sync token')
  if (
    !EPOCH_PATTERN.test(position.epoch) ||
    position.collection.length > MAX_COLLECTION_LENGTH ||
    !Number.isSafeInteger(position.seq)
  ) {
    throw new RecordsError('invalid-token', 'sync token holds an invalid epoch, collection or sequence number')
  }
  return position
}

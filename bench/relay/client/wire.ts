// Minimal framing for the load generator. y-websocket: varUint(type) + body. Hocuspocus: the
// same, prefixed with varString(documentName); a connection first sends an Auth token message
// (type 2, subtype 0) and the server answers Authenticated before it handles anything else.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { Flavour } from '../servers/index.ts'

export const MSG_SYNC = 0
export const MSG_AWARENESS = 1
export const MSG_AUTH = 2
const MSG_HOCUS_SYNC_REPLY = 4
export const SYNC_STEP1 = 0
export const SYNC_STEP2 = 1
export const SYNC_UPDATE = 2

export type Incoming =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'step2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'authenticated' }
  | { kind: 'denied' }
  | { kind: 'other' }

function start(flavour: Flavour, doc: string): encoding.Encoder {
  const enc = encoding.createEncoder()
  if (flavour === 'hocus') encoding.writeVarString(enc, doc)
  return enc
}

export function encodeSync(flavour: Flavour, doc: string, sub: number, payload: Uint8Array): Uint8Array {
  const enc = start(flavour, doc)
  encoding.writeVarUint(enc, MSG_SYNC)
  encoding.writeVarUint(enc, sub)
  encoding.writeVarUint8Array(enc, payload)
  return encoding.toUint8Array(enc)
}

/** The Hocuspocus provider's first frame: Auth / Token with an empty token (no auth hook configured). */
export function encodeHocusAuth(doc: string): Uint8Array {
  const enc = start('hocus', doc)
  encoding.writeVarUint(enc, MSG_AUTH)
  encoding.writeVarUint(enc, 0)
  encoding.writeVarString(enc, '')
  return encoding.toUint8Array(enc)
}

/**
 * An awareness update listing no clients. Hocuspocus closes a connection that sent nothing for
 * 60 s; its provider stays alive through awareness renewals, which this stands in for.
 */
export function encodeKeepalive(flavour: Flavour, doc: string): Uint8Array {
  const enc = start(flavour, doc)
  encoding.writeVarUint(enc, MSG_AWARENESS)
  encoding.writeVarUint8Array(enc, Uint8Array.of(0))
  return encoding.toUint8Array(enc)
}

export function decode(flavour: Flavour, data: Uint8Array): Incoming {
  const dec = decoding.createDecoder(data)
  if (flavour === 'hocus') decoding.readVarString(dec)
  const type = decoding.readVarUint(dec)
  if (type === MSG_SYNC || (flavour === 'hocus' && type === MSG_HOCUS_SYNC_REPLY)) {
    const sub = decoding.readVarUint(dec)
    const body = decoding.readVarUint8Array(dec)
    if (sub === SYNC_STEP1) return { kind: 'step1', stateVector: body }
    if (sub === SYNC_STEP2) return { kind: 'step2', update: body }
    if (sub === SYNC_UPDATE) return { kind: 'update', update: body }
    return { kind: 'other' }
  }
  if (flavour === 'hocus' && type === MSG_AUTH) {
    const sub = decoding.readVarUint(dec)
    if (sub === 2) return { kind: 'authenticated' }
    if (sub === 1) return { kind: 'denied' }
  }
  return { kind: 'other' }
}

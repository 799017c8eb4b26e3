/** Test data for the storage acceptance suite: distinct, recognisable bytes, so a mix-up shows in the diff. */
export function bytes(label: string, size = 16): Uint8Array {
  const out = new Uint8Array(size)
  const tag = new TextEncoder().encode(label)
  for (let i = 0; i < size; i++) out[i] = tag[i % tag.length]! ^ (i >> 8)
  return out
}

export const total = (updates: Uint8Array[]) => updates.reduce((n, u) => n + u.byteLength, 0)
export const asArrays = (updates: Uint8Array[]) => updates.map((u) => Array.from(u))

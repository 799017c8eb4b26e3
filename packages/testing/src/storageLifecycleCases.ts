import { expect, it } from 'vitest'
import type { StorageCaseContext } from './StorageCaseContext.ts'
import { asArrays, bytes } from './storageBytes.ts'

/** Acceptance cases about the adapter's life: reopen, large values, concurrency, close. */
export function storageLifecycleCases({ storage: current, reopen }: StorageCaseContext): void {
  it('keeps everything across close and reopen', async () => {
    await current().append([
      { doc: 'p', update: bytes('p1') },
      { doc: 'p', update: bytes('p2') },
    ])
    const before = await current().load('p')
    await current().compact('p', bytes('psnap'), before.head)
    await current().append([{ doc: 'p', update: bytes('p3') }])
    const expected = await current().load('p')
    const reopened = await reopen()
    const loaded = await reopened.load('p')
    expect(Array.from(loaded.snapshot ?? [])).toEqual(Array.from(bytes('psnap')))
    expect(asArrays(loaded.updates)).toEqual(asArrays([bytes('p3')]))
    expect(loaded.logBytes).toBe(expected.logBytes)
    // positions keep growing after a reopen too, or a stale compaction could eat new entries
    await reopened.append([{ doc: 'p', update: bytes('p4') }])
    expect((await reopened.load('p')).head).toBeGreaterThan(expected.head)
  })

  it('stores 1 MiB updates and snapshots byte for byte', async () => {
    const big = Array.from({ length: 3 }, (_, k) => {
      const u = new Uint8Array(1024 * 1024)
      for (let i = 0; i < u.length; i++) u[i] = (i * 31 + k * 7 + (i >> 11)) & 0xff
      return u
    })
    await current().append(big.map((update) => ({ doc: 'big', update })))
    const loaded = await current().load('big')
    expect(loaded.updates).toHaveLength(3)
    for (const [k, u] of loaded.updates.entries()) expect(Buffer.compare(Buffer.from(u), Buffer.from(big[k]!))).toBe(0)
    expect(loaded.logBytes).toBe(3 * 1024 * 1024)
    await current().compact('big', big[2]!, loaded.head)
    const reopened = await reopen()
    const snap = (await reopened.load('big')).snapshot
    expect(snap && Buffer.compare(Buffer.from(snap), Buffer.from(big[2]!))).toBe(0)
  })

  it('commits concurrent appends completely, each call keeping its own order', async () => {
    const calls = Array.from({ length: 100 }, (_, i) =>
      current().append([
        { doc: `cc-${i % 4}`, update: bytes(`cc${i}-first`) },
        { doc: `cc-${i % 4}`, update: bytes(`cc${i}-second`) },
      ]),
    )
    await Promise.all(calls)
    for (let d = 0; d < 4; d++) {
      const got = (await current().load(`cc-${d}`)).updates.map((u) => Buffer.from(u).toString('latin1'))
      const mine = (i: number, part: string) => Buffer.from(bytes(`cc${i}-${part}`)).toString('latin1')
      const expected = Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 4 === d)
      expect(got).toHaveLength(expected.length * 2)
      for (const i of expected) {
        const first = got.indexOf(mine(i, 'first'))
        expect(first).toBeGreaterThanOrEqual(0)
        expect(got.indexOf(mine(i, 'second'))).toBeGreaterThan(first)
      }
    }
  })

  it('settles pending appends before close resolves, and keeps the resolved ones', async () => {
    let settled = 0
    let resolved = 0
    const pending = Array.from({ length: 20 }, (_, i) =>
      current()
        .append([{ doc: 'closing', update: bytes(`z${i}`) }])
        .then(
          () => {
            settled++
            resolved++
          },
          () => {
            settled++
          },
        ),
    )
    await current().close()
    expect(settled).toBe(20)
    await Promise.all(pending)
    const reopened = await reopen()
    expect((await reopened.load('closing')).updates.length).toBeGreaterThanOrEqual(resolved)
  })
}

// The page bench/client drives in Chromium: both stores and the keystroke replay, exposed as
// window.clientBench. The trace slice is fetched from /trace.json next to the page.
import { fetchTrace } from './applyTrace.ts'
import {
  loadTandem,
  profileIdbRead,
  replayTandem,
  storedEntries,
  typeTandemAndLeave,
  writeTandem,
} from './tandemSide.ts'
import { loadYIndexeddb, trimYIndexeddb, writeYIndexeddb, writeYIndexeddbBulk } from './yIndexeddbSide.ts'

const clientBench = {
  fetchTrace,
  profileIdbRead,
  writeTandem: async (url: string, name: string, batch: number) => writeTandem(url, name, await fetchTrace(), batch),
  typeTandemAndLeave: async (url: string, name: string, batch: number) =>
    typeTandemAndLeave(url, name, await fetchTrace(), batch),
  storedEntries,
  loadTandem,
  writeYIndexeddb: async (name: string, batch: number) => writeYIndexeddb(name, await fetchTrace(), batch),
  writeYIndexeddbBulk: async (name: string) => writeYIndexeddbBulk(name, await fetchTrace()),
  trimYIndexeddb,
  loadYIndexeddb,
  replayTandem: async (url: string, name: string, keystrokes: number, gapMs: number) =>
    replayTandem(url, name, (await fetchTrace()).slice(0, keystrokes), gapMs),
}

export type ClientBench = typeof clientBench

declare global {
  interface Window {
    clientBench: ClientBench
  }
}

window.clientBench = clientBench

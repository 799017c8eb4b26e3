// Scenario sizes for the full run and the CI smoke run (--quick).
export interface BenchConfig {
  mode: 'quick' | 'full'
  fanout: {
    rooms: number
    clientsPerRoom: number
    ratePerSec: number
    /** the measured duration is split into this many slices, taken in turn across the servers */
    slices: number
    /** before each slice */
    warmupMs: number
    durationMs: number
  }
  ramp: { rates: number[]; warmupMs: number; stepMs: number; p99LimitMs: number }
  cold: { edits: number; restarts: number }
  idle: { docs: number; connections: number; docBytes: number }
  /** wait after the last send of a window for in-flight deliveries */
  drainMs: number
  /** wait before reading RSS, and how long a data dir must stay unchanged to count as flushed */
  settleMs: number
  quietMs: number
  /** per server: time that may be spent re-running fan-out windows other processes disturbed */
  retryBudgetMs: number
  /** after a server's fan-out window: how long it must stay idle before the next server's turn */
  serverQuietMs: number
}

export const fullConfig: BenchConfig = {
  mode: 'full',
  fanout: { rooms: 50, clientsPerRoom: 10, ratePerSec: 2, slices: 4, warmupMs: 1_000, durationMs: 20_000 },
  ramp: { rates: [2, 4, 8, 12, 16, 24, 32, 48, 64], warmupMs: 1_000, stepMs: 4_000, p99LimitMs: 50 },
  cold: { edits: 100_000, restarts: 3 },
  idle: { docs: 200, connections: 2_000, docBytes: 10_000 },
  drainMs: 2_000,
  settleMs: 1_500,
  quietMs: 1_500,
  retryBudgetMs: 40_000,
  serverQuietMs: 2_500,
}

export const quickConfig: BenchConfig = {
  mode: 'quick',
  fanout: { rooms: 5, clientsPerRoom: 3, ratePerSec: 2, slices: 1, warmupMs: 500, durationMs: 3_000 },
  ramp: { rates: [4, 16, 64], warmupMs: 300, stepMs: 1_000, p99LimitMs: 50 },
  cold: { edits: 2_000, restarts: 1 },
  idle: { docs: 10, connections: 100, docBytes: 10_000 },
  drainMs: 500,
  settleMs: 400,
  quietMs: 700,
  retryBudgetMs: 0,
  serverQuietMs: 0,
}

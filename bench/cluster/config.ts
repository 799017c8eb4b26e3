// Scenario sizes for bench/cluster: the full run and the CI smoke run (--quick).
export interface ClusterConfig {
  mode: 'quick' | 'full'
  rooms: number
  clientsPerRoom: number
  /** inserts per second per client */
  ratePerSec: number
  /** the measured time is split into this many slices, taken in turn across the setups */
  slices: number
  /** before each slice */
  warmupMs: number
  /** measured time per setup, over all its slices */
  durationMs: number
  /** wait after a window's last send for deliveries still in flight */
  drainMs: number
  /** after a setup's slice: how long its servers must stay idle before the next setup runs */
  serverQuietMs: number
  /** per setup: time that may be spent re-running windows other processes disturbed */
  retryBudgetMs: number
  /** before the first window: wait up to this long for a quiet machine */
  quietStartMs: number
}

export const fullConfig: ClusterConfig = {
  mode: 'full',
  rooms: 50,
  clientsPerRoom: 10,
  ratePerSec: 2,
  slices: 4,
  warmupMs: 1_000,
  durationMs: 20_000,
  drainMs: 2_000,
  serverQuietMs: 2_500,
  retryBudgetMs: 20_000,
  quietStartMs: 20_000,
}

export const quickConfig: ClusterConfig = {
  mode: 'quick',
  rooms: 5,
  clientsPerRoom: 3,
  ratePerSec: 2,
  slices: 1,
  warmupMs: 500,
  durationMs: 3_000,
  drainMs: 500,
  serverQuietMs: 0,
  retryBudgetMs: 0,
  quietStartMs: 0,
}

/** Share of one core other processes may take (both cores together) before a window is re-run. */
export const NOISE_LIMIT = 0.2

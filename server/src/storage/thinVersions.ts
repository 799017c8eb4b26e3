import type { VersionInfo } from './VersionStorage.ts'

export interface RetentionPolicy {
  /** Every version younger than this is kept (default 30 days). */
  keepAllMs: number
  /** Older unnamed versions are thinned to the newest one per bucket of this length (default one day). */
  bucketMs: number
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepAllMs: 30 * 24 * 3600_000, bucketMs: 24 * 3600_000 }

/**
 * The ids retention would drop at `now`: named versions and the newest version are never
 * dropped; past `keepAllMs`, only the newest unnamed version of each UTC bucket survives.
 * Pure, so tests drive it with an injected clock instead of sleeps.
 */
export function thinVersions(
  versions: readonly VersionInfo[],
  now: number,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): number[] {
  const newest = versions.reduce((m, v) => Math.max(m, v.id), -1)
  const keptPerBucket = new Map<number, VersionInfo>()
  const old: VersionInfo[] = []
  for (const v of versions) {
    if (v.name !== null || now - v.at < policy.keepAllMs) continue
    old.push(v)
    const bucket = Math.floor(v.at / policy.bucketMs)
    const kept = keptPerBucket.get(bucket)
    if (!kept || v.at > kept.at || (v.at === kept.at && v.id > kept.id)) keptPerBucket.set(bucket, v)
  }
  const survivors = new Set([...keptPerBucket.values()].map((v) => v.id))
  return old.filter((v) => !survivors.has(v.id) && v.id !== newest).map((v) => v.id)
}

import type { PubSub } from '../cluster/PubSub.ts'
import type { DependencyStatus } from '../http/httpRoutes.ts'
import type { DocStorage } from '../storage/DocStorage.ts'

/** A ping slower than this counts as down: a probe must answer even when a service hangs. */
const PING_TIMEOUT_MS = 2_000

export async function checkDependencies(storage: DocStorage, pubsub: PubSub | null): Promise<DependencyStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('storage ping timed out')), PING_TIMEOUT_MS)
  })
  const storageUp = await Promise.race([storage.ping(), timeout]).then(
    () => true,
    () => false,
  )
  clearTimeout(timer)
  const pubsubUp = pubsub ? pubsub.healthy : null
  const down: DependencyStatus['down'] = []
  if (!storageUp) down.push('storage')
  if (pubsubUp === false) down.push('pubsub')
  return { storage: storageUp, pubsub: pubsubUp, down }
}

const KEY = 'tandem:recent'

export interface RecentDoc {
  name: string
  openedAt: number
}

/** Documents opened in this browser, newest first (at most 20). */
export function recentDocs(): RecentDoc[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]') as RecentDoc[]
    return Array.isArray(list) ? list.filter((d) => typeof d.name === 'string') : []
  } catch {
    return []
  }
}

export function rememberDoc(name: string): void {
  const list = [{ name, openedAt: Date.now() }, ...recentDocs().filter((d) => d.name !== name)].slice(0, 20)
  localStorage.setItem(KEY, JSON.stringify(list))
}

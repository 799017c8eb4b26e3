import type { User } from '@tandem/client'

const COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#9a6324', '#d6336c']
const NAMES = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Radia', 'Edsger', 'Frances', 'Alan', 'Margaret']

/** This browser's user: chosen at random once, kept in localStorage, changeable via ?name= and ?color=. */
export function identity(): User {
  const params = new URLSearchParams(location.search)
  const stored = localStorage.getItem('tandem:user')
  let user: User = stored
    ? (JSON.parse(stored) as User)
    : {
        name: NAMES[Math.floor(Math.random() * NAMES.length)]!,
        color: COLORS[Math.floor(Math.random() * COLORS.length)]!,
      }
  const name = params.get('name')
  if (name) user = { ...user, name }
  const color = params.get('color')
  if (color && /^#[0-9a-f]{6}$/i.test(color)) user = { ...user, color }
  localStorage.setItem('tandem:user', JSON.stringify(user))
  return user
}

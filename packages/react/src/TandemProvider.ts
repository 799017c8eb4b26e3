import type { Tandem } from '@tandem/client'
import { createContext, createElement, type ReactNode, useContext } from 'react'

const TandemContext = createContext<Tandem | null>(null)

export interface TandemProviderProps {
  /**
   * The client, made once outside React (module scope or your app's set-up) so StrictMode's
   * double mounting cannot open a second socket. Pass null where there is none, e.g. during
   * server-side rendering: every hook then returns its stable "not loaded" value.
   */
  client: Tandem | null
  children?: ReactNode
}

/** Makes `client` available to the hooks below it. It never destroys the client: you own it. */
export function TandemProvider({ client, children }: TandemProviderProps) {
  return createElement(TandemContext.Provider, { value: client }, children)
}

/** The client of the nearest TandemProvider, or null (none given, or server rendering). */
export function useTandem(): Tandem | null {
  return useContext(TandemContext)
}

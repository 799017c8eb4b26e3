// Entry `@tandem/testing/browser`: the runner-agnostic core of the Playwright fixtures (relay
// process, tabs, network switches, assertions) for Vitest + playwright-core or any other runner.
export { CHROMIUM_ARGS } from './playwright/chromiumArgs.ts'
export {
  expectConverged,
  expectNoLostEdits,
  expectPending,
  expectSaved,
  type StatusOptions,
} from './playwright/expectations.ts'
export { type OpenTabsOptions, openTabs, type Tabs } from './playwright/openTabs.ts'
export {
  type RelayExit,
  type RelayProcess,
  type RelayProcessOptions,
  startRelayProcess,
} from './playwright/startRelayProcess.ts'
export { type TandemNetwork, tandemNetwork } from './playwright/tandemNetwork.ts'
export { type PollOptions, readWindowStatus, type StatusReader, type TabStatus } from './playwright/tandemStatus.ts'

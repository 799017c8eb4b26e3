// Entry `@tandem/testing/playwright`: a relay process, tabs, network switches and assertions for
// multi-tab conflict tests. Framework-agnostic (playwright-core pages from any runner).
export {
  expectConverged,
  expectNoLostEdits,
  expectPending,
  expectSaved,
  type StatusOptions,
} from './playwright/expectations.ts'
export { type OpenTabsOptions, openTabs, type Tabs } from './playwright/openTabs.ts'
export { type RelayProcess, type RelayProcessOptions, startRelayProcess } from './playwright/startRelayProcess.ts'
export { type TandemNetwork, tandemNetwork } from './playwright/tandemNetwork.ts'
export { type PollOptions, readWindowStatus, type StatusReader, type TabStatus } from './playwright/tandemStatus.ts'

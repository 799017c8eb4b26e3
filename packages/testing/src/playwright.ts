// Entry `@tandem/testing/playwright`: `@playwright/test` fixtures (relay, network, tabs) plus the
// assertions, for apps built on Tandem. The same core without @playwright/test: `./browser`.
export * from './browser.ts'
export {
  expect,
  type TandemFixtureOptions,
  type TandemFixtures,
  test,
} from './playwright/tandemTest.ts'

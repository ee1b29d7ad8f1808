/** Public surface of the mocks: the factory, the served adapter, options and the deviation list. */
export { type Clock, createClock } from './clock.ts'
export type { ClientConfig, RefreshPolicy, UserConfig } from './connect/model.ts'
export { createMock, type Mock } from './create-mock.ts'
export { DEVIATIONS, type DeviationId } from './deviations.ts'
export { type ServedMock, type ServeOptions, serveMock } from './http/serve.ts'
export type { Journal, JournalEntry } from './journal.ts'
export * from './options.ts'

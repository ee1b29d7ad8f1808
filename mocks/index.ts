/**
 * The package's main entry (`import … from 'dinero-conformance'`): the mock factory, the served
 * adapter, and the option, control and journal types an integrator writes against. Named
 * exports only, so nothing internal (seeded secrets, stores, route tables) becomes API by
 * accident; docs/API.md is the glossary.
 */
export type { Clock, ClockOptions } from './clock.ts'
export type {
  ClientConfig,
  GrantType,
  RefreshPolicy,
  RefreshTokenUsage,
  ReplayResponse,
  UserConfig,
} from './connect/model.ts'
export type { Control, LifecycleEvent, Settings } from './control.ts'
export { createMock, type Mock } from './create-mock.ts'
export { DEVIATIONS, type Deviation, type DeviationId, type Deviations } from './deviations.ts'
export type {
  DeliveryAttempt,
  DeliveryRecord,
  DeliveryState,
  WebhookDelivery,
  WebhookPayload,
} from './dinero/webhook-delivery.ts'
export type { FaultKind, FaultSpec, FaultTarget } from './faults.ts'
export { exposureWarning, type ServedMock, ServeError, type ServeOptions, serveMock } from './http/serve.ts'
export { JOURNAL_PAGE, type Journal, type JournalEntry, type JournalPage } from './journal.ts'
export {
  type ConsentMode,
  DINERO_AUDIENCE,
  DINERO_SCOPES,
  defineClient,
  type MockOptions,
  type SigningKeyInput,
} from './options.ts'

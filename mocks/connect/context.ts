import type { Clock } from '../clock.ts'
import type { Deviations } from '../deviations.ts'
import type { Faults } from '../faults.ts'
import type { ResolvedMockOptions } from '../options.ts'
import type { SigningKey } from './keys.ts'
import type { ConnectStore } from './store.ts'

/** What every Connect handler is given: this mock instance's options, clock, store, key and switches. */
export interface ConnectContext {
  options: ResolvedMockOptions
  clock: Clock
  store: ConnectStore
  signingKey(): Promise<SigningKey>
  deviations: Deviations
  /** Injected faults; authorize consults it for `temporarily_unavailable`. */
  faults?: Faults
  /** Names of the Dinero organisations a user can reach, shown on the consent page. */
  organisationsOf?: (subject: string) => string[]
}

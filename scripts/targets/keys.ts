import { generateSigningKey } from '../../mocks/connect/keys.ts'
import type { SigningKeyInput } from '../../mocks/options.ts'

let shared: Promise<SigningKeyInput> | undefined

/** One RSA key per spec worker, so creating a fresh mock per test costs no key generation. */
export function sharedSigningKey(): Promise<SigningKeyInput> {
  shared ??= generateSigningKey()
  return shared
}

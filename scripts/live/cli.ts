import { HarnessError } from '../cli-errors.ts'
import { SecretSet } from './secrets.ts'

/**
 * How the live commands end: a HarnessError prints `error [CODE]: message` on one line (secrets
 * redacted, no stack trace) and exits 2, or 1 for a failed run (failed checks, a secret leak);
 * anything unexpected prints its message only and exits 1. SIGINT/SIGTERM exit through
 * `process.exit`, so the token-store lock is released by its exit hook.
 */
const RUN_FAILURES = new Set(['HARNESS_CHECKS_FAILED', 'HARNESS_SECRET_LEAK'])

export function exitCodeOf(e: unknown): number {
  return e instanceof HarnessError && !RUN_FAILURES.has(e.code) ? 2 : 1
}

export function runCli(main: () => Promise<number | undefined>, secrets: SecretSet = new SecretSet()): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))
  main().then(
    (code) => process.exit(code ?? 0),
    (e: unknown) => {
      const message = e instanceof Error ? e.message : String(e)
      const prefix = e instanceof HarnessError ? `error [${e.code}]` : 'error'
      console.error(secrets.redact(`${prefix}: ${message}`))
      process.exit(exitCodeOf(e))
    },
  )
}

import { exitCodeOf, HarnessError, serverText } from '../errors.ts'
import { SecretSet } from '../live/secrets.ts'
import { usageHint } from './args.ts'

/**
 * How a harness process ends (house rule): exit 0 on success, 1 for failed checks, 2 for misuse
 * or a harness that could not run, with one `error [CODE]: …` line on stderr (secrets redacted),
 * a usage hint after a HARNESS_USAGE, and never a stack trace. Kept apart from the command
 * registry, so a standalone entry (a spec's child process) can use it without loading every command.
 */
/** Prints the one error line (and the usage hint after misuse); returns the exit code. */
export function report(e: unknown, secrets: SecretSet, command?: string): number {
  // Anything else is a fault of the harness: still one coded line, control characters removed
  // (a message can quote what a server or a file held).
  const line =
    e instanceof HarnessError
      ? `error [${e.code}]: ${e.message}`
      : `error [HARNESS_INTERNAL]: ${serverText(e instanceof Error ? e.message : String(e), 500)}`
  console.error(secrets.redact(line))
  if (e instanceof HarnessError && e.code === 'HARNESS_USAGE') console.error(usageHint(command))
  return exitCodeOf(e)
}

/**
 * SIGINT/SIGTERM end the process through `process.exit`, so exit hooks run (the token store
 * releases its lock in one).
 */
export function exitOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))
}

/** For a standalone entry (a spec's child process): run `body` and end the way the CLI does. */
export function runMain(body: () => Promise<number | undefined>, secrets: SecretSet = new SecretSet()): void {
  exitOnSignals()
  body().then(
    (code) => process.exit(code ?? 0),
    (e: unknown) => process.exit(report(e, secrets)),
  )
}

/**
 * The one module that reads `process.env`: everything else receives the environment it needs
 * (a command gets it in its context; the live configuration and the grader's app start take it
 * as an argument). specs/cli/env-reader.spec.ts fails when another file under scripts/,
 * collections/ or mocks/ reads it.
 */
export type Environment = Readonly<Record<string, string | undefined>>

/** A snapshot of this process's environment. */
export function processEnvironment(): Environment {
  return { ...process.env }
}

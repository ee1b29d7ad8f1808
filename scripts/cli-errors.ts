/**
 * Harness errors for people: a namespaced code and one clear line, no stack trace.
 */
export class HarnessError extends Error {
  constructor(
    readonly code: `HARNESS_${string}`,
    message: string,
  ) {
    super(message)
    this.name = 'HarnessError'
  }
}

export function fail(message: string, code: `HARNESS_${string}` = 'HARNESS_USAGE'): never {
  console.error(`error [${code}]: ${message}`)
  process.exit(2)
}

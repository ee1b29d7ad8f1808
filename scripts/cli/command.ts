import type { Environment } from '../env.ts'
import type { SecretSet } from '../live/secrets.ts'
import type { CommandSpec, Flags, Values } from './args.ts'

/** What every command receives besides its flags. */
export interface Context {
  env: Environment
  /** Known secrets: the error line a failed command prints is redacted with them. */
  secrets: SecretSet
  /** Where a command reads a typed answer (the destructive confirmation, the organisation pick). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  /**
   * Whether the command is the whole process (`dinero-conformance` on a command line): then it
   * ends on SIGINT/SIGTERM through `process.exit` and routes the process's stdout/stderr through
   * its secret set. A command run inside another program (a spec's worker) leaves both alone.
   */
  ownsProcess: boolean
  /**
   * Aborted when the program that runs the command in-process stops it (`runCommandLine`'s
   * `signal`): `login` stops waiting (for the answer on the redirect_uri, for `--slow` codes to
   * age), starts no further request, closes what it opened and ends with HARNESS_LOGIN_STOPPED.
   * A command that owns its process ends on SIGINT/SIGTERM instead.
   */
  signal?: AbortSignal
}

/** One command of `dinero-conformance`: its flag table, and what it does; resolves to the exit code. */
export interface Command<F extends Flags = Flags> extends CommandSpec<F> {
  run(values: Values<F>, context: Context): Promise<number>
}

export function defineCommand<const F extends Flags>(command: Command<F>): Command<F> {
  return command
}

import { processEnvironment } from '../env.ts'
import { exitCodeOf, HarnessError } from '../errors.ts'
import { SecretSet } from '../live/secrets.ts'
import type { Flags } from './args.ts'
import { helpText, PROGRAM, parseCommand, usageError, usageHint } from './args.ts'
import type { Command } from './command.ts'

/**
 * `dinero-conformance <command>`: finds the command, parses its flags, runs it, and ends the
 * process the one way every command ends (house rule): exit 0 on success, 1 for failed checks,
 * 2 for misuse or a harness that could not run, with one `error [CODE]: …` line on stderr
 * (secrets redacted), a usage hint after a HARNESS_USAGE, and never a stack trace.
 * Each command's module is loaded only when it runs, so `--help` and misuse answer fast.
 */
const COMMANDS: Record<string, () => Promise<{ command: Command<Flags> }>> = {
  check: () => import('../commands/check.ts'),
  checks: () => import('../commands/checks.ts'),
  mock: () => import('../commands/mock.ts'),
  login: () => import('../commands/login.ts'),
  live: () => import('../commands/live.ts'),
  grade: () => import('../commands/grade.ts'),
  bench: () => import('../commands/bench.ts'),
  'collection build': () => import('../commands/collection-build.ts'),
  docs: () => import('../commands/docs.ts'),
}

export async function main(argv: readonly string[]): Promise<never> {
  const secrets = new SecretSet()
  let name: string | undefined
  try {
    if (argv.length === 0) throw usageError('no command given')
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      console.log(await overview())
      return process.exit(0)
    }
    name = Object.keys(COMMANDS).find((n) => n.split(' ').every((word, i) => argv[i] === word))
    if (name === undefined) {
      const typed = argv[0]!
      const family = Object.keys(COMMANDS).filter((n) => n.startsWith(`${typed} `))
      throw usageError(
        typed.startsWith('-')
          ? `a command comes first, not ${typed}`
          : family.length > 0
            ? `${typed} takes a subcommand: ${family.join(', ')}`
            : `unknown command ${JSON.stringify(typed)}`,
      )
    }
    const { command } = await COMMANDS[name]!()
    const parsed = parseCommand(command, argv.slice(name.split(' ').length))
    if (parsed.help) {
      console.log(helpText(command))
      return process.exit(0)
    }
    const code = await command.run(parsed.values, { env: processEnvironment(), secrets })
    return process.exit(code)
  } catch (e) {
    return process.exit(report(e, secrets, name))
  }
}

async function overview(): Promise<string> {
  const rows = await Promise.all(
    Object.entries(COMMANDS).map(async ([n, load]) => [n, (await load()).command.summary] as const),
  )
  const width = Math.max(...rows.map(([n]) => n.length))
  return [
    `usage: ${PROGRAM} <command> [flags]`,
    '',
    'commands:',
    ...rows.map(([n, s]) => `  ${n.padEnd(width)}  ${s.split('\n')[0]}`),
    '',
    `${PROGRAM} <command> --help lists a command's flags; exit codes and every error code: docs/ERRORS.md`,
  ].join('\n')
}

/** Prints the one error line (and the usage hint after misuse); returns the exit code. */
export function report(e: unknown, secrets: SecretSet, command?: string): number {
  const message = e instanceof Error ? e.message : String(e)
  const prefix = e instanceof HarnessError ? `error [${e.code}]` : 'error'
  console.error(secrets.redact(`${prefix}: ${message}`))
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

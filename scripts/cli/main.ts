import { type Environment, processEnvironment } from '../env.ts'
import { SecretSet } from '../live/secrets.ts'
import { type Flags, helpText, PROGRAM, parseCommand, usageError } from './args.ts'
import type { Command } from './command.ts'
import { report } from './exit.ts'

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
  return process.exit(await runCommandLine(argv, { ownsProcess: true }))
}

export interface CommandLineOptions {
  /** The environment the command reads (default: this process's). */
  env?: Environment
  /** Where it reads typed answers (default: this process's stdin). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
  /** Whether it is the whole process (Context.ownsProcess; default false, `main` passes true). */
  ownsProcess?: boolean
  /** Stops a command that waits for a person (Context.signal): `login` ends with HARNESS_LOGIN_STOPPED. */
  signal?: AbortSignal
}

/**
 * Everything `main` does but end the process: the exit code it would end with. What it prints
 * goes through `console`, as in the process; specs run the misuse matrix and most live runs
 * through it in-process (specs/cli/commands.spec.ts, specs/live/support/process.ts) and keep
 * real processes for what only a process shows (signals, exit codes, stream-level redaction, a
 * lock held by another process).
 */
export async function runCommandLine(
  argv: readonly string[],
  { env = processEnvironment(), stdin = process.stdin, ownsProcess = false, signal }: CommandLineOptions = {},
): Promise<number> {
  const secrets = new SecretSet()
  let name: string | undefined
  try {
    if (argv.length === 0) throw usageError('no command given')
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      console.log(await overview())
      return 0
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
      return 0
    }
    return await command.run(parsed.values, {
      env,
      secrets,
      stdin,
      ownsProcess,
      ...(signal === undefined ? {} : { signal }),
    })
  } catch (e) {
    return report(e, secrets, name)
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

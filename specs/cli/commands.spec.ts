import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { format } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import type { Flags } from '../../scripts/cli/args.ts'
import type { Command } from '../../scripts/cli/command.ts'
import { runCommandLine } from '../../scripts/cli/main.ts'
import { cliArgv } from '../support/cli-child.ts'

/**
 * The command line as a person meets it: every command answers `--help` with its flags, and
 * every kind of misuse is one `error [HARNESS_USAGE]: …` line plus one usage hint, exit 2, with
 * no stack trace. The matrix (every command × help and each kind of misuse) runs in-process
 * through `runCommandLine`, what `main` runs before it ends the process with the code; one of
 * each kind also runs as a real child process (the built CLI, or the source under tsx when dist/
 * is stale: specs/support/cli-child.ts), where a stray warning, an unhandled rejection or a wrong
 * exit code would show. 43 children under tsx were a tenth of `npm test`'s CPU (docs/BENCH.md).
 */
const ROOT = new URL('../../', import.meta.url).pathname
const TIMEOUT = { timeout: 180_000 }

const COMMANDS: Record<string, () => Promise<{ command: Command<Flags> }>> = {
  check: () => import('../../scripts/commands/check.ts'),
  checks: () => import('../../scripts/commands/checks.ts'),
  mock: () => import('../../scripts/commands/mock.ts'),
  login: () => import('../../scripts/commands/login.ts'),
  live: () => import('../../scripts/commands/live.ts'),
  grade: () => import('../../scripts/commands/grade.ts'),
  bench: () => import('../../scripts/commands/bench.ts'),
  'collection build': () => import('../../scripts/commands/collection-build.ts'),
  docs: () => import('../../scripts/commands/docs.ts'),
}

/** Per command: a flag given without its value, and a flag given a value it refuses. */
const MISUSE: Record<string, { missing?: string[]; invalid?: string[] }> = {
  check: { missing: ['--reports'], invalid: ['--check', 'connect.no-such-check'] },
  checks: { missing: ['--area'], invalid: ['--area', 'nowhere'] },
  mock: { missing: ['--port'], invalid: ['--port', 'abc'] },
  login: { missing: ['--timeout'], invalid: ['--timeout', 'abc'] },
  live: { missing: ['--reports'], invalid: ['--area', 'nowhere'] },
  grade: { missing: ['--app'], invalid: ['--app', 'x', '--concurrency', '1'] },
  bench: { missing: ['--duration'], invalid: ['--duration', 'abc'] },
  'collection build': {},
  docs: {},
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliArgv(), ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.once('error', reject)
    // 'close', not 'exit': the pipes may still hold output when the process has exited.
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Runs argv in-process, capturing what the command line prints through `console`. */
async function inProcess(argv: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    stdout += `${format(...a)}\n`
  })
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    stderr += `${format(...a)}\n`
  })
  try {
    return { code: await runCommandLine(argv), stdout, stderr }
  } finally {
    log.mockRestore()
    error.mockRestore()
  }
}

/** Runs every argv, at most `limit` children at a time (two cores are shared with other specs). */
async function runAll(argvs: string[][], limit = 4): Promise<Run[]> {
  const out: Run[] = new Array(argvs.length)
  let next = 0
  const worker = async () => {
    while (next < argvs.length) {
      const i = next++
      out[i] = await cli(argvs[i]!)
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
  return out
}

function expectUsageError(r: Run, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2)
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatch(/^error \[HARNESS_USAGE\]: /)
  expect(lines[0]).toMatch(pattern)
  expect(lines[1]).toMatch(/^usage: dinero-conformance .*--help/)
  expect(r.stderr).not.toMatch(/\n\s+at /)
  expect(r.stderr).not.toContain('ERR_PARSE_ARGS')
}

const names = Object.keys(COMMANDS)
/** The runs that are real processes: one of each kind of answer (help, misuse, refusal, output). */
const AS_CHILD = new Set([
  'top help',
  'check unknown',
  'mock stray',
  'login missing',
  'check invalid',
  'unknown command',
  'checks json',
  'mock beyond loopback',
  'bench only nope',
])
const results = new Map<string, Run>()
const key = (name: string, kind: string) => `${name} ${kind}`
let benchJsonBefore: number | undefined
const BENCH_JSON = join(ROOT, 'reports', 'bench.json')
const scratch = mkdtempSync(join(tmpdir(), 'cli-spec-'))

beforeAll(async () => {
  benchJsonBefore = existsSync(BENCH_JSON) ? statSync(BENCH_JSON).mtimeMs : undefined
  const jobs: [string, string[]][] = []
  for (const name of names) {
    const words = name.split(' ')
    jobs.push([key(name, 'help'), [...words, '--help']])
    jobs.push([key(name, 'unknown'), [...words, '--no-such-flag']])
    jobs.push([key(name, 'stray'), [...words, '4010']])
    const m = MISUSE[name]!
    if (m.missing) jobs.push([key(name, 'missing'), [...words, ...m.missing]])
    if (m.invalid) jobs.push([key(name, 'invalid'), [...words, ...m.invalid]])
  }
  jobs.push(['top help', ['--help']])
  jobs.push(['no command', []])
  jobs.push(['unknown command', ['frobnicate']])
  jobs.push(['checks json', ['checks', '--json']])
  jobs.push(['mock beyond loopback', ['mock', '--host', '0.0.0.0', '--port', '0']])
  jobs.push(['bench only nope', ['bench', '--only', 'nope', '--reports', scratch]])
  jobs.push(['bench only nope default', ['bench', '--only', 'served,nope']])
  jobs.push(['grade bad url', ['grade', '--app', 'http://[::1']])
  jobs.push(['mock hex port', ['mock', '--port', '0x10']])
  jobs.push(['mock padded port', ['mock', '--port', ' 0']])
  jobs.push([
    'live twice',
    ['live', '--connect-url', 'http://127.0.0.1:1', '--connect-url', 'http://127.0.0.1:2'],
  ])
  jobs.push(['bench exponent duration', ['bench', '--duration', '1e1']])
  const aFile = join(scratch, 'a-file')
  writeFileSync(aFile, '')
  jobs.push(['check reports file', ['check', '--no-allure', '--reports', aFile]])
  jobs.push(['bench reports file', ['bench', '--only', 'bare', '--reports', aFile]])
  const children = jobs.filter(([k]) => AS_CHILD.has(k))
  const runs = runAll(children.map(([, argv]) => argv))
  for (const [k, argv] of jobs) if (!AS_CHILD.has(k)) results.set(k, await inProcess(argv))
  for (const [i, [k]] of children.entries()) results.set(k, (await runs)[i]!)
}, 300_000)

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const got = (k: string): Run => {
  const r = results.get(k)
  if (!r) throw new Error(`no run for ${k}`)
  return r
}

describe('dinero-conformance <command> --help', () => {
  for (const name of names) {
    it(`${name} --help exits 0 and lists every flag of the command`, TIMEOUT, async () => {
      const { command } = await COMMANDS[name]!()
      const r = got(key(name, 'help'))
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
      expect(r.stdout).toMatch(new RegExp(`^usage: dinero-conformance ${name} `))
      for (const flag of [...Object.keys(command.flags), 'help']) expect(r.stdout).toContain(`--${flag}`)
    })
  }

  it('--help alone lists every command and exits 0', () => {
    const r = got('top help')
    expect(r.code).toBe(0)
    for (const name of names) expect(r.stdout).toContain(`  ${name} `)
  })
})

describe('misuse is one HARNESS_USAGE line and a usage hint, exit 2, no stack trace', () => {
  for (const name of names) {
    it(`${name} with an unknown flag exits 2 naming it`, () => {
      expectUsageError(got(key(name, 'unknown')), /unknown flag --no-such-flag/)
    })
    it(`${name} with a stray argument (4010) exits 2 naming it`, () => {
      expectUsageError(got(key(name, 'stray')), /unexpected argument "4010"/)
    })
    const m = MISUSE[name]!
    if (m.missing)
      it(`${name} ${m.missing.join(' ')} without a value exits 2`, () => {
        expectUsageError(got(key(name, 'missing')), new RegExp(`${m.missing![0]} needs a value`))
      })
    if (m.invalid)
      it(`${name} ${m.invalid.join(' ')} (a refused value) exits 2 naming the flag`, () => {
        const flag = m.invalid!.filter((w) => w.startsWith('--')).at(-1)!
        expectUsageError(got(key(name, 'invalid')), new RegExp(`${flag} `))
      })
  }

  it('mock --host 0.0.0.0 without --allow-non-loopback refuses to bind and exits 2 naming the flag', () => {
    expectUsageError(got('mock beyond loopback'), /not a loopback address.*--allow-non-loopback/)
  })

  it('grade --app with an http URL that does not parse exits 2 at once (was a 20 s wait, then HARNESS_GRADE_APP_UNREACHABLE)', () => {
    expectUsageError(got('grade bad url'), /--app http:\/\/\[::1 is not a URL/)
  })

  it('check and bench with --reports naming a file exit 2 before any work (were HARNESS_INTERNAL: ENOTDIR, EEXIST)', () => {
    for (const k of ['check reports file', 'bench reports file'])
      expectUsageError(got(k), /--reports .*a-file: exists and is not a directory/)
  })

  it('a number flag takes decimal digits only: --port 0x10 and --duration 1e1 exit 2 (node read them as 16 and 10)', () => {
    expectUsageError(got('mock hex port'), /--port must be an integer from 0 to 65535, not "0x10"/)
    expectUsageError(
      got('bench exponent duration'),
      /--duration must be an integer from 1 to 3600, not "1e1"/,
    )
  })

  it('a flag that takes one value given twice exits 2 naming it (the last one silently won: live ran against the second --connect-url); a number with spaces around it exits 2', () => {
    expectUsageError(got('live twice'), /--connect-url is given more than once/)
    expectUsageError(got('mock padded port'), /--port must be an integer from 0 to 65535, not " 0"/)
  })

  it('no command, and an unknown command, exit 2', () => {
    expectUsageError(got('no command'), /no command given/)
    expectUsageError(got('unknown command'), /unknown command "frobnicate"/)
  })
})

describe('checks --json', () => {
  it('prints every catalogue check with id, title, area, target and resolved sources; exit 1 only for a source that does not resolve', () => {
    const r = got('checks json')
    const listed = JSON.parse(r.stdout) as {
      id: string
      title: string
      area: string
      target: string
      sources: { id: string; url: string | null }[]
    }[]
    expect(listed.map((c) => c.id)).toEqual(catalogue.map((c) => c.id))
    for (const [i, c] of catalogue.entries()) {
      expect(listed[i]).toMatchObject({ title: c.title, area: c.area, target: c.target })
      // A cited `id §section` resolves to its source's id.
      expect(listed[i]!.sources).toHaveLength(c.sources.length)
      for (const [j, s] of listed[i]!.sources.entries()) expect(c.sources[j]!.startsWith(s.id)).toBe(true)
    }
    const unresolved = listed.flatMap((c) => c.sources.filter((s) => s.url === null).map((s) => s.id))
    if (unresolved.length === 0) {
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
    } else {
      expect(r.code).toBe(1)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/^error \[HARNESS_SOURCE_UNRESOLVED\]: /)
      for (const id of unresolved) expect(r.stderr).toContain(id)
    }
  })
})

describe('bench --only', () => {
  it('an unknown part exits 2 and writes no bench.json (regression: it ran nothing and overwrote the report with empty rows)', () => {
    expectUsageError(got('bench only nope'), /--only "nope"/)
    expect(existsSync(join(scratch, 'bench.json'))).toBe(false)
    expectUsageError(got('bench only nope default'), /--only "nope"/)
    const after = existsSync(BENCH_JSON) ? statSync(BENCH_JSON).mtimeMs : undefined
    expect(after).toBe(benchJsonBefore)
  })
})

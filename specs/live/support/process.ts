import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { format } from 'node:util'
import { cliArgv } from '../../support/cli-child.ts'

export { freePort } from '../../../scripts/net/free-port.ts'

/**
 * Child processes, in-worker command runs, temp dirs and ports for the live specs (no mock
 * imports: cheap to load). The commands run with a clean DINERO_* environment and no `.env`.
 */
export const LIVE_CLIENT_ID = 'isv_live_harness'
/** The mock's seeded client secret (mocks/options.ts DEFAULT_CLIENT_SECRET). */
export const LIVE_CLIENT_SECRET = 'conformance-secret'
const ROOT = new URL('../../../', import.meta.url).pathname

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * A temporary folder for the running test, removed when it finishes (passed or not). `finished` is
 * the test context's own `onTestFinished`: in a concurrent describe the global one may belong to
 * another test, which then removed this folder while the test still used it.
 */
export function testDir(prefix: string, finished: (cleanup: () => void) => void): string {
  const { dir, cleanup } = tempDir(prefix)
  finished(cleanup)
  return dir
}

/** A child environment with no DINERO_* from the developer's shell and no `.env`. */
export function liveEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('DINERO_')) env[k] = v
  delete env.DISPLAY
  delete env.WAYLAND_DISPLAY
  return {
    ...env,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    DINERO_ENV_FILE: join(dir, 'no.env'),
    DINERO_CLIENT_ID: LIVE_CLIENT_ID,
    DINERO_CLIENT_SECRET: LIVE_CLIENT_SECRET,
    DINERO_TOKEN_STORE: join(dir, 'store', 'tokens.json'),
    ...extra,
  }
}

/** A running `dinero-conformance` command: what it printed so far, and how it ended. */
export interface CliRun {
  stdout(): string
  stderr(): string
  /** Resolves with the first stdout line matching. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /**
   * Ends the command if it still runs, and waits for its end: an in-worker run through its
   * `signal` (a waiting login ends with HARNESS_LOGIN_STOPPED), a child with SIGTERM. A test
   * that starts a login registers it with the context's `onTestFinished`, so a test that fails
   * before the sign-in does not leave the login holding the worker's console and run queue.
   */
  stop(): Promise<void>
}

export interface CliProcess extends CliRun {
  child: ChildProcess
}

/**
 * Bundles a TypeScript entry into one ESM file for plain `node`: a child then starts in ~0.2 s
 * instead of ~0.6 s under tsx, which is what lets the crash test afford many kills. esbuild is
 * tsx's own compiler (a dependency of tsx), so the code under test is the same source.
 */
export async function bundle(entry: string, outDir: string): Promise<string> {
  const { build } = await import('esbuild')
  const outfile = join(outDir, `${entry.replace(/\W+/g, '_')}.mjs`)
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  })
  return outfile
}

/** Collects a command's output and answers `waitFor` on it, for a child or an in-worker run. */
function output(exited: Promise<unknown>): Omit<CliRun, 'exited' | 'stop'> & {
  out(text: string): void
  err(text: string): void
} {
  let out = ''
  let err = ''
  const waiters: { re: RegExp; resolve(m: RegExpMatchArray): void }[] = []
  const check = () => {
    for (const w of [...waiters]) {
      const m = out.match(w.re)
      if (m) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(m)
      }
    }
  }
  return {
    out(text) {
      out += text
      check()
    },
    err(text) {
      err += text
    },
    stdout: () => out,
    stderr: () => err,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${re}\nstdout: ${out}\nstderr: ${err}`)),
          timeoutMs,
        )
        const done = (m: RegExpMatchArray) => {
          clearTimeout(timer)
          resolve(m)
        }
        waiters.push({ re, resolve: done })
        check()
        exited.then(() =>
          setTimeout(() => reject(new Error(`exited before ${re}\nstdout: ${out}\nstderr: ${err}`)), 50),
        )
      })
    },
  }
}

/**
 * `script` is a repo path run under tsx (`scripts/cli.ts` runs as specs/support/cli-child.ts
 * says), or an absolute `.mjs` made by `bundle`.
 */
export function startCli(script: string, args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const argv =
    script === 'scripts/cli.ts'
      ? cliArgv()
      : script.endsWith('.mjs')
        ? [script]
        : ['--import', 'tsx', join(ROOT, script)]
  const child = spawn(process.execPath, [...argv, ...args], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': the pipes may still hold output when the process has exited.
    child.on('close', (code, signal) => resolve({ code, signal })),
  )
  const o = output(exited)
  child.stdout!.on('data', (d: Buffer) => o.out(d.toString()))
  child.stderr!.on('data', (d: Buffer) => o.err(d.toString()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  return { child, exited, stdout: o.stdout, stderr: o.stderr, waitFor: o.waitFor, stop }
}

/** The end of the last in-worker run started: the next one starts after it. */
let lastInWorker: Promise<unknown> = Promise.resolve()

/**
 * `dinero-conformance <args>` run inside this worker through `runCommandLine`, as `main` runs
 * it but without ending the process: `env` is the environment it reads, `input` its stdin, and
 * what it prints through `console` is captured while it runs. A child spends ~0.8 CPU-s loading
 * Newman and the mock before it does anything (docs/BENCH.md, "npm test time"), and the live
 * specs started 35 of them; a worker has both loaded already. What only a process shows — exit
 * on a signal, the stream-level redaction a command that owns its process installs, a lock held
 * by another process — stays with `startCli`. The console is the worker's, so runs in one worker
 * take turns: one started while another runs begins when that one ends.
 */
export function startInWorker(args: string[], env: NodeJS.ProcessEnv, input?: string): CliRun {
  let settle!: (code: number) => void
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    settle = (code) => resolve({ code, signal: null })
  })
  const o = output(exited)
  const controller = new AbortController()
  const run = async () => {
    const methods = ['log', 'info', 'debug', 'warn', 'error'] as const
    const saved = methods.map((m) => [m, console[m]] as const)
    console.log = console.info = console.debug = (...a: unknown[]) => o.out(`${format(...a)}\n`)
    console.warn = console.error = (...a: unknown[]) => o.err(`${format(...a)}\n`)
    try {
      const { runCommandLine } = await import('../../../scripts/cli/main.ts')
      const stdin = Readable.from(input === undefined ? [] : [input])
      settle(await runCommandLine(args, { env, stdin, signal: controller.signal }))
    } catch (e) {
      // runCommandLine answers every error with its exit code; reaching here is a harness fault.
      o.err(`in-worker run threw: ${e instanceof Error ? e.stack : String(e)}\n`)
      settle(-1)
    } finally {
      for (const [m, fn] of saved) console[m] = fn
    }
  }
  lastInWorker = lastInWorker.then(run)
  const stop = async () => {
    controller.abort()
    await exited
  }
  return { exited, stdout: o.stdout, stderr: o.stderr, waitFor: o.waitFor, stop }
}

/** `startInWorker` to its end. */
export async function runInWorker(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startInWorker(args, env, input)
  const { code } = await run.exited
  return { code, stdout: run.stdout(), stderr: run.stderr() }
}

export async function runCli(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startCli(script, args, env)
  if (input !== undefined) p.child.stdin!.end(input)
  else p.child.stdin!.end()
  const { code } = await p.exited
  return { code, stdout: p.stdout(), stderr: p.stderr() }
}

/** The authorize link `login` prints for the person to open. */
export const LOGIN_LINK = /^\s+(http\S+\/connect\/authorize\?\S+)$/m

/**
 * `--timeout 90`: far more than any sign-in a spec drives, and a bound on a login nobody stops
 * (a test that fails while its login waits ends it through `stop`, registered with the test's
 * `onTestFinished`).
 */
const loginArgs = (origin: string, dir: string, extra: string[]) => [
  'login',
  '--connect-url',
  origin,
  '--api-url',
  origin,
  '--no-open',
  '--timeout',
  '90',
  '--reports',
  join(dir, 'reports'),
  ...extra,
]

/**
 * `dinero-conformance login` in this worker against a served stand-in at `origin`, reports in
 * `dir`, with stdin closed (no prompt answered): resolves once it prints the authorize link.
 */
export async function startLogin(
  origin: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<{ p: CliRun; link: string }> {
  const p = startInWorker(loginArgs(origin, dir, extra), env)
  return { p, link: await linkOf(p) }
}

/** The link a starting login prints; a login that prints none is stopped before the error. */
async function linkOf(p: CliRun): Promise<string> {
  try {
    return (await p.waitFor(LOGIN_LINK))[1]!
  } catch (e) {
    await p.stop()
    throw e
  }
}

/** `startLogin` as a child process, for what only a process shows (a signal ending it). */
export async function startLoginProcess(
  origin: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): Promise<{ p: CliProcess; link: string }> {
  const p = startCli('scripts/cli.ts', loginArgs(origin, dir, extra), env)
  p.child.stdin!.end()
  return { p, link: await linkOf(p) }
}

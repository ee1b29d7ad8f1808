import { type ChildProcess, spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { processEnvironment } from '../env.ts'
import { groupAlive as groupRunning } from '../processes.ts'
import { GradeError } from './errors.ts'

export { freePort } from '../net/free-port.ts'

/**
 * Starting and stopping the app under test. The grader gives it the mock through the DINERO_*
 * variables (docs/GRADING.md) and waits until its GET /status answers. The command runs in its
 * own process group, so stopping it also stops whatever the shell started under it.
 */
export interface RunningApp {
  url: string
  stop(): Promise<void>
  /** The last lines the app printed, for an error message (never written to a report). */
  tail(): string
}

export async function waitForApp(
  url: string,
  timeoutMs: number,
  exited: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    const why = exited()
    if (why !== undefined) throw new GradeError('GRADE_APP_EXITED', why)
    try {
      const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2_000) })
      await res.body?.cancel()
      return
    } catch (e) {
      last = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new GradeError(
    'GRADE_APP_UNREACHABLE',
    `the app did not answer GET ${url}/status within ${timeoutMs} ms (${last})`,
  )
}

export async function startApp(input: {
  command: string
  cwd?: string
  env: Record<string, string>
  url: string
  timeoutMs: number
  /** How long the app has to exit after SIGTERM before SIGKILL. */
  stopTimeoutMs: number
  /** Applied to the app's output before any of it is quoted (its own logs may print its secret or tokens). */
  redact: (text: string) => string
}): Promise<RunningApp> {
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line)
    if (lines.length > 30) lines.splice(0, lines.length - 30)
  }
  let child: ChildProcess
  try {
    child = spawn(input.command, {
      shell: true,
      detached: true,
      cwd: input.cwd ?? process.cwd(),
      env: { ...processEnvironment(), ...input.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (e) {
    throw new GradeError('GRADE_APP_START', `could not start "${input.command}": ${(e as Error).message}`)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exit: string | undefined
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = `the app exited (${signal ?? `code ${code}`}) before it answered`
      resolve()
    })
    child.once('error', (e) => {
      exit = `could not start "${input.command}": ${e.message}`
      resolve()
    })
  })
  const tail = () => input.redact(lines.slice(-15).join('\n'))
  // The whole process group, not only the shell that leads it: an app that ignores SIGTERM
  // outlived a leader that did not (the shell exits, its child keeps running).
  const group = child.pid === undefined ? undefined : -child.pid
  const groupAlive = () => group !== undefined && groupRunning(-group)
  const answers = () => {
    if (group === undefined) return false
    try {
      process.kill(group, 0)
      return true
    } catch {
      return false
    }
  }
  /** Sends `signal` to the group, then waits up to `ms` for it to be gone; whether it is. */
  const signalGroup = async (signal: NodeJS.Signals, ms: number): Promise<boolean> => {
    try {
      process.kill(group!, signal)
    } catch {
      return true
    }
    for (const deadline = Date.now() + ms; groupAlive() && Date.now() < deadline; ) await sleep(20)
    return !groupAlive()
  }
  const stop = async () => {
    // A zombie counts as gone (scripts/processes.ts): the app's node process, orphaned when its
    // shell died of the SIGTERM, waited ~1.5 s for this machine's PID 1 to reap it. Where there
    // is no /proc the SIGKILL wait gives up after a second (the processes are dead by then).
    if (groupAlive()) await signalGroup('SIGTERM', input.stopTimeoutMs)
    // Whatever still answers signal 0 then gets SIGKILL, whether or not the wait judged it gone:
    // a zombie ignores it, and a member the wait missed (one started as another exited) is
    // stopped rather than left running.
    if (answers()) await signalGroup('SIGKILL', 1_000)
    await Promise.race([exitedPromise, sleep(1_000)])
  }
  try {
    await waitForApp(input.url, input.timeoutMs, () => exit)
  } catch (e) {
    await stop()
    if (e instanceof GradeError) throw new GradeError(e.code, `${e.message}\n--- app output ---\n${tail()}`)
    throw e
  }
  return { url: input.url, stop, tail }
}

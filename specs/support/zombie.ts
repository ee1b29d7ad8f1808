import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { onTestFinished } from 'vitest'
import { statField } from '../../scripts/processes.ts'

/**
 * A process that turns into a zombie and stays one until the test ends: a background `sleep`
 * whose parent exec's into `sleep 10` and never reaps it. It outlives the exec (the shell could
 * reap a `sleep 0` before exec'ing, and the spec flaked under load). With `ownGroup`, `setsid`
 * makes it lead a process group of its own: a group that is one zombie, as an orphaned app is
 * while a slow PID 1 gets round to reaping it.
 */
export async function startZombie(options: { ownGroup?: boolean } = {}): Promise<{
  pid: number
  /** Resolves once /proc shows the process as a zombie (bounded: 3 s). */
  dead(): Promise<void>
}> {
  const sleep = options.ownGroup === true ? 'setsid sleep 0.3' : 'sleep 0.2'
  const parent = spawn('sh', ['-c', `${sleep} & echo $!; exec sleep 10`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  onTestFinished(() => {
    parent.kill('SIGKILL')
  })
  const [line] = (await once(parent.stdout!, 'data')) as [Buffer]
  const pid = Number(line.toString().trim())
  const wait = async (done: () => boolean, tries: number) => {
    for (let i = 0; i < tries && !done(); i++) await new Promise((r) => setTimeout(r, 10))
  }
  // Until `setsid` has run, the process is still in its parent's group.
  if (options.ownGroup === true) await wait(() => statField(pid, 2) === String(pid), 100)
  return { pid, dead: () => wait(() => statField(pid, 0) === 'Z', 300) }
}

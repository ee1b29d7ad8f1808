import { readdirSync, readFileSync } from 'node:fs'

/**
 * Whether a process, or a process group, still runs, as the token-store lock and the grader need
 * to know. Signal 0 alone is not enough: a zombie (exited, not yet reaped) still answers it, and
 * where PID 1 reaps orphans late or never (a container's init; 1.5 s on this project's CI
 * machines) a process that is gone looks alive. A zombie has closed its files and sockets, so it
 * holds nothing: here it counts as gone. Without /proc (not Linux) signal 0 is all there is.
 */

/**
 * Field `n` of /proc/<pid>/stat (or of one of its threads, /proc/<pid>/task/<task>/stat) after the
 * command name (0: the state letter, 2: the process group, 19: the start time); undefined when
 * there is no such process or no /proc.
 */
export function statField(pid: number, n: number, task?: string): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}${task === undefined ? '' : `/task/${task}`}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n]
  } catch {
    return undefined
  }
}

/** Whether `pid` runs: it answers signal 0 (EPERM: it exists, someone else's) and is no zombie. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'
  }
  return !isZombie(pid)
}

/**
 * Whether `pid` is a zombie: exited, every thread of it too. A process whose main thread ended
 * (pthread_exit) while others run shows `Z` in its stat, yet runs and holds its files and ports:
 * taken for gone, the grader skipped the SIGKILL of an app that ignored SIGTERM.
 */
function isZombie(pid: number): boolean {
  if (statField(pid, 0) !== 'Z') return false
  let tasks: string[]
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return true
  }
  // A thread gone meanwhile (undefined) has ended too.
  return tasks.every((tid) => (statField(pid, 0, tid) ?? 'Z') === 'Z')
}

/**
 * Whether any process of group `pgid` runs: the group answers signal 0 and holds a member that is
 * no zombie. /proc is read four times before the group counts as gone: one listing can miss a
 * member that a process started just before it exited (found by an adversarial pass: a group
 * that kept forking read as gone 158 times in 300).
 */
export function groupAlive(pgid: number): boolean {
  for (let look = 0; look < 4; look++) {
    try {
      process.kill(-pgid, 0)
    } catch (e) {
      return (e as NodeJS.ErrnoException).code !== 'ESRCH'
    }
    let pids: string[]
    try {
      pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
    } catch {
      return true
    }
    const group = String(pgid)
    if (pids.some((pid) => statField(Number(pid), 2) === group && !isZombie(Number(pid)))) return true
  }
  return false
}

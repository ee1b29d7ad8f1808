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
 * no zombie. One listing of /proc is not enough: a member listed in it can fork and exit before
 * its stat is read, and its child is not in the listing (found by an adversarial pass: a group
 * that kept forking read as gone 158 times in 300; four looks in a row still read it as gone 26
 * times in 100 on a loaded machine). So /proc is listed again after each pass and only the new
 * pids are read, until a listing brings none: a member alive at that last listing was in it (new
 * pids are higher than their parent's, so the listing, in pid order, cannot pass over a child
 * forked while it runs) and has been read. A machine that never stops forking for 32 listings
 * counts as alive: the grader's stop sends SIGKILL to what answers signal 0 either way.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH'
  }
  const group = String(pgid)
  const read = new Set<string>()
  for (let listing = 0; listing < 32; listing++) {
    let fresh: string[]
    try {
      fresh = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && !read.has(name))
    } catch {
      return true
    }
    if (fresh.length === 0) return false
    for (const pid of fresh) {
      read.add(pid)
      if (statField(Number(pid), 2) === group && !isZombie(Number(pid))) return true
    }
  }
  return true
}

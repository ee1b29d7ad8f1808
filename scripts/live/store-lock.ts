import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { HarnessError } from '../errors.ts'
import { pidAlive, statField } from '../processes.ts'

/**
 * The token store's lock: one holder at a time, across processes and hosts sharing the file.
 *
 * - The lock is a directory `<store>.lock/` of numbered generations. The highest number present is
 *   the lock's state: a record `held` by a process, or `free`. Every change of hands — taking a
 *   free lock, taking over a stale one, releasing — creates the next number with an exclusive
 *   create (`open(…, 'wx')`), so of any number of processes that read generation n, exactly one
 *   creates n + 1: the takeover is a compare-and-swap, never "check, then delete" (where a second
 *   process could delete the lock the first had just created). Numbers are never reused; older
 *   generations are deleted by whoever wrote a newer one, and a creator that finds a higher number
 *   than its own after creating (it read an old listing) has lost and removes its file.
 * - A `held` record names pid, process start time, boot id and PID namespace (Linux) and host. In
 *   the same host, boot and PID namespace it is stale when that process is gone or the pid now
 *   belongs to a younger process.
 * - A record from another host, boot or PID namespace (a CI container sharing the volume, even
 *   under the same host name) cannot be probed; its holder
 *   touches the file every `LOCK_HEARTBEAT_MS`, and it is stale once its mtime is older than
 *   `FOREIGN_LOCK_STALE_MS` (twelve missed heartbeats, which also absorbs clock skew between
 *   the hosts).
 * - A generation is written whole to a temp file and hard-linked to its number, so it never
 *   appears half-written. Only on a filesystem without hard links are create and write two
 *   steps; a generation without a readable record then holds for `TORN_LOCK_GRACE_MS`, and
 *   after that counts as left by a writer that died.
 * Every failure is a HarnessError (HARNESS_TOKEN_STORE_LOCKED).
 */
export const LOCK_HEARTBEAT_MS = 10_000
export const FOREIGN_LOCK_STALE_MS = 120_000
export const TORN_LOCK_GRACE_MS = 2_000

const lockRecordSchema = z.object({
  state: z.enum(['held', 'free']),
  pid: z.number().int(),
  start: z.string().exactOptional(),
  host: z.string(),
  /** Linux boot id: a pid is only meaningful within one boot of one kernel. */
  boot: z.string().exactOptional(),
  /** PID namespace (`pid:[4026531836]`): containers sharing a hostname and a volume see other pids. */
  pidns: z.string().exactOptional(),
  at: z.string(),
})
export type LockRecord = z.infer<typeof lockRecordSchema>

export interface LockGeneration {
  gen: number
  file: string
  /** Undefined while the record is being written (or its writer died doing so). */
  record: LockRecord | undefined
  mtimeMs: number
}

/** Start time of a process in clock ticks since boot (Linux), to tell a reused pid from the original. */
export function processStart(pid: number): string | undefined {
  return statField(pid, 19)
}

function readOr(read: () => string): string | undefined {
  try {
    return read().trim() || undefined
  } catch {
    return undefined
  }
}

/** This kernel boot's id (Linux); undefined elsewhere. */
export const BOOT_ID = readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'))
/** This process's PID namespace (Linux); undefined elsewhere. */
export const PID_NAMESPACE = readOr(() => readlinkSync('/proc/self/ns/pid'))

/**
 * Whether the record's pid can be probed from here: same host name, same boot, same PID
 * namespace. Two containers can share a host name and a volume while each has its own pids, so
 * a pid missing here says nothing there. A field present on one side only counts as different.
 */
export function sameProcessSpace(record: LockRecord): boolean {
  return record.host === hostname() && record.boot === BOOT_ID && record.pidns === PID_NAMESPACE
}

/**
 * Why a directory holding the store or its lock is open to other users, or undefined when it is
 * not: writable by group or others, or owned by another uid. Such a user could remove lock
 * generations (and so let two runs present the same refresh token) or replace the store.
 */
export function looseDirectory(dir: string): string | undefined {
  let st: ReturnType<typeof statSync>
  try {
    st = statSync(dir)
  } catch {
    return undefined
  }
  const uid = process.getuid?.()
  const why: string[] = []
  if ((st.mode & 0o022) !== 0)
    why.push(
      `writable by ${st.mode & 0o020 ? (st.mode & 0o002 ? 'group and others' : 'its group') : 'others'} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`,
    )
  if (uid !== undefined && st.uid !== uid) why.push(`owned by uid ${st.uid}, not ${uid}`)
  return why.length === 0 ? undefined : why.join(' and ')
}

/** The one-line warning for a directory `looseDirectory` finds open to others. */
export function looseDirectoryWarning(what: string, dir: string, why: string): string {
  const risk = `warning: ${what} ${dir} is ${why}: another user could remove lock generations or replace the token store, letting two runs present the same refresh token`
  // A shared directory (sticky, like /tmp) or someone else's is not ours to close: the advice
  // `chmod 700 /tmp` would break every other user and service on the machine.
  return sharedDirectory(dir)
    ? `${risk}; keep the store in a directory of your own (DINERO_TOKEN_STORE=~/.config/dinero-conformance/tokens.json)`
    : `${risk}; make it yours and 0700 (chmod 700 ${dir})`
}

/** Sticky (o+t, as /tmp) or owned by another user: a directory others rely on. */
function sharedDirectory(dir: string): boolean {
  try {
    const st = statSync(dir)
    const uid = process.getuid?.()
    return (st.mode & 0o1000) !== 0 || (uid !== undefined && st.uid !== uid)
  } catch {
    return false
  }
}

/** Whether the current generation no longer protects anything, so the next one may be created. */
export function isStale(current: LockGeneration, now = Date.now()): boolean {
  const { record } = current
  if (record === undefined) return now - current.mtimeMs > TORN_LOCK_GRACE_MS
  if (record.state === 'free') return true
  if (!sameProcessSpace(record)) return now - current.mtimeMs > FOREIGN_LOCK_STALE_MS
  if (!pidAlive(record.pid)) return true
  const start = processStart(record.pid)
  return record.start !== undefined && start !== undefined && start !== record.start
}

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code
}

export class StoreLock {
  private gen: number | undefined
  private heartbeat: NodeJS.Timeout | undefined
  private readonly onExit = () => this.release()

  constructor(
    readonly dir: string,
    private readonly storePath: string,
    private readonly warn: (line: string) => void = (line) => console.error(line),
  ) {}

  /** The highest generation, read fresh; undefined when the lock was never taken. */
  current(): LockGeneration | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const gen = this.maxGeneration()
      if (gen === undefined) return undefined
      const file = join(this.dir, String(gen))
      let raw: string
      let mtimeMs: number
      try {
        mtimeMs = statSync(file).mtimeMs
        raw = readFileSync(file, 'utf8')
      } catch (e) {
        // Collected by a newer generation's writer between the listing and the read.
        if (errnoOf(e) === 'ENOENT') continue
        throw this.ioError(e)
      }
      let record: LockRecord | undefined
      try {
        const parsed = lockRecordSchema.safeParse(JSON.parse(raw))
        record = parsed.success ? parsed.data : undefined
      } catch {
        record = undefined
      }
      return { gen, file, record, mtimeMs }
    }
    throw this.locked(undefined)
  }

  /** Takes the lock or throws HARNESS_TOKEN_STORE_LOCKED; held until `release()` or process exit. */
  acquire(): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    } catch (e) {
      if (errnoOf(e) === 'EEXIST' || errnoOf(e) === 'ENOTDIR')
        throw new HarnessError(
          'HARNESS_TOKEN_STORE_LOCKED',
          `${this.dir} is a lock file left by an older version of this harness: if no run is using ${this.storePath}, delete it`,
        )
      throw this.ioError(e)
    }
    const loose = looseDirectory(this.dir)
    if (loose !== undefined) this.warn(looseDirectoryWarning('the lock directory', this.dir, loose))
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = this.current()
      if (current !== undefined && !isStale(current)) throw this.locked(current.record)
      const gen = (current?.gen ?? 0) + 1
      if (!this.create(gen, 'held')) continue
      if (this.maxGeneration() !== gen) {
        rmSync(join(this.dir, String(gen)), { force: true })
        continue
      }
      this.gen = gen
      this.collect(gen)
      const file = join(this.dir, String(gen))
      this.heartbeat = setInterval(() => touch(file), LOCK_HEARTBEAT_MS)
      this.heartbeat.unref()
      process.on('exit', this.onExit)
      return
    }
    throw this.locked(undefined)
  }

  /** Throws HARNESS_TOKEN_STORE_LOCKED when another process has taken the lock over since. */
  assertHeld(): void {
    if (this.gen === undefined) throw new Error('token store used after release()')
    if (this.maxGeneration() !== this.gen)
      throw new HarnessError(
        'HARNESS_TOKEN_STORE_LOCKED',
        `the lock of ${this.storePath} was taken over by another process (it judged this run's lock abandoned); stopping without writing`,
      )
    touch(join(this.dir, String(this.gen)))
  }

  /** Hands the lock back (a `free` generation); does nothing when it was taken over meanwhile. */
  release(): void {
    const gen = this.gen
    if (gen === undefined) return
    this.gen = undefined
    clearInterval(this.heartbeat)
    process.off('exit', this.onExit)
    try {
      if (this.maxGeneration() !== gen) return
      if (this.create(gen + 1, 'free')) this.collect(gen + 1)
    } catch {
      // Releasing runs on exit too: a lock left `held` by a gone process is stale by construction.
    }
  }

  private create(gen: number, state: LockRecord['state']): boolean {
    const start = processStart(process.pid)
    const record: LockRecord = {
      state,
      pid: process.pid,
      host: hostname(),
      ...(BOOT_ID === undefined ? {} : { boot: BOOT_ID }),
      ...(PID_NAMESPACE === undefined ? {} : { pidns: PID_NAMESPACE }),
      at: new Date().toISOString(),
      ...(start === undefined ? {} : { start }),
    }
    // The record is written in full to a private temp file and then hard-linked to its number:
    // link() fails with EEXIST like an exclusive create, and the generation appears complete, so
    // no other process ever reads a half-written lock and mistakes it for one left by a dead writer.
    const temp = join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`)
    const target = join(this.dir, String(gen))
    writeRecord(temp, 'wx', record, (e) => this.ioError(e))
    try {
      linkSync(temp, target)
      return true
    } catch (e) {
      if (errnoOf(e) === 'EEXIST') return false
      // A filesystem without hard links: exclusive create, then write (the torn-lock grace covers the gap).
      if (errnoOf(e) !== 'EPERM' && errnoOf(e) !== 'ENOTSUP' && errnoOf(e) !== 'EXDEV') throw this.ioError(e)
      try {
        writeRecord(target, 'wx', record, (e2) => this.ioError(e2))
        return true
      } catch (e2) {
        if (errnoOf((e2 as { cause?: unknown }).cause) === 'EEXIST') return false
        throw e2
      }
    } finally {
      rmSync(temp, { force: true })
    }
  }

  private maxGeneration(): number | undefined {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return undefined
      throw this.ioError(e)
    }
    let max: number | undefined
    for (const name of names) {
      if (!/^[1-9][0-9]{0,15}$/.test(name)) continue
      const n = Number(name)
      if (max === undefined || n > max) max = n
    }
    return max
  }

  /**
   * Best effort: an older generation left behind is never read (only the highest counts), nor is
   * a temp record a writer died before linking (kept a minute: its writer may still be linking).
   */
  private collect(below: number): void {
    try {
      for (const name of readdirSync(this.dir)) {
        const file = join(this.dir, name)
        if (/^[0-9]+$/.test(name) && Number(name) < below) rmSync(file, { force: true })
        else if (name.startsWith('.tmp-') && Date.now() - statSync(file).mtimeMs > 60_000)
          rmSync(file, { force: true })
      }
    } catch {}
  }

  private locked(holder: LockRecord | undefined): HarnessError {
    const where =
      holder === undefined || holder.host !== hostname() || sameProcessSpace(holder)
        ? ''
        : ' in another container, boot or PID namespace'
    const who = holder
      ? `process ${holder.pid}${where} on ${holder.host} (since ${holder.at})`
      : 'another process (its lock is being written)'
    return new HarnessError(
      'HARNESS_TOKEN_STORE_LOCKED',
      `the token store ${this.storePath} is in use by ${who}; one run at a time per store — wait for it to finish`,
    )
  }

  private ioError(e: unknown): HarnessError {
    return new HarnessError(
      'HARNESS_TOKEN_STORE_LOCKED',
      `cannot use the lock ${this.dir} of the token store (${errnoOf(e) ?? String(e)}): check the directory's owner and permissions`,
    )
  }
}

/** Writes a whole record with an exclusive create; a failure carries the errno as `cause`. */
function writeRecord(file: string, flags: 'wx', record: LockRecord, wrap: (e: unknown) => Error): void {
  let fd: number
  try {
    fd = openSync(file, flags, 0o600)
  } catch (e) {
    throw Object.assign(wrap(e), { cause: e })
  }
  try {
    writeSync(fd, JSON.stringify(record))
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function touch(file: string): void {
  const now = new Date()
  try {
    utimesSync(file, now, now)
  } catch {
    // Collected or taken over: the next assertHeld() says so.
  }
}

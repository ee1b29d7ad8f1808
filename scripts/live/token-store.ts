import { createHash, randomBytes } from 'node:crypto'
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { HarnessError } from '../cli-errors.ts'

/**
 * The live token store (issue 5, DESIGN.md §3). One JSON file holding one grant:
 * - written atomically: temp file in the same directory (O_EXCL, 0600) + fsync + rename + fsync
 *   of the directory, so a crash leaves the old or the new file, never a torn one;
 * - every call is synchronous, so a caller can persist a rotated token inside an event handler
 *   before anything else runs (the Newman hook relies on this);
 * - guarded by `<store>.lock`, created with O_EXCL and holding pid + process start time + host;
 *   a lock whose process is gone (or whose pid now belongs to a younger process) is stale and
 *   is taken over; a live one → HARNESS_TOKEN_STORE_LOCKED;
 * - a write-ahead `inFlight` record (token being presented + time) is saved before each refresh
 *   request and cleared in the same atomic write that saves the answer. If a run dies in
 *   between, the next run finds the record and knows that token may already be consumed;
 * - `consumed` keeps fingerprints of the last tokens known to be consumed, so nothing in this
 *   harness presents one of them again (a replay would make Visma revoke the whole grant).
 */
export interface InFlight {
  token: string
  /** Epoch ms taken before the first presentation: the grace window is measured from here (conservative). */
  at: number
  attempts: number
}

export interface StoredGrant {
  version: 1
  /** The Visma Connect origin that issued the grant. */
  issuer: string
  clientId: string
  refreshToken: string
  accessToken?: string
  accessTokenExpiresAt?: number
  scope?: string
  grantedAt: number
  /** After this the stored grant is treated as expired (HARNESS_TOKEN_STORE_EXPIRED). */
  expiresAt: number
  updatedAt: number
  rotations: number
  status: 'active' | 'rejected' | 'revoked'
  organizationId?: string
  inFlight?: InFlight
  consumed: string[]
}

/** The fields of a token endpoint answer the store keeps. */
export interface TokenAnswer {
  access_token?: string
  refresh_token?: string
  expires_in?: number
  scope?: string
}

interface LockRecord {
  pid: number
  start?: string
  host: string
  at: string
}

const CONSUMED_KEPT = 32

export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16)
}

/** Start time of a process in clock ticks since boot (Linux), to tell a reused pid from the original. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

function isAlive(holder: LockRecord): boolean {
  if (holder.host !== hostname()) return true
  try {
    process.kill(holder.pid, 0)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false
  }
  const start = processStart(holder.pid)
  return holder.start === undefined || start === undefined || start === holder.start
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

/** temp file in the same directory + fsync + rename + fsync(dir). */
export function writeFileAtomicSync(path: string, data: string): void {
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const fd = openSync(tmp, 'wx', 0o600)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } catch (e) {
    closeSync(fd)
    rmSync(tmp, { force: true })
    throw e
  }
  closeSync(fd)
  try {
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
  const dfd = openSync(dir, 'r')
  try {
    fsyncSync(dfd)
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  } finally {
    closeSync(dfd)
  }
}

export interface OpenOptions {
  now?: () => number
}

export class TokenStore {
  readonly lockPath: string
  private readonly now: () => number
  private cached: StoredGrant | undefined
  private held = true
  private readonly onExit = () => this.release()

  private constructor(
    readonly path: string,
    now: () => number,
  ) {
    this.lockPath = `${path}.lock`
    this.now = now
  }

  /** Takes the lock (held until `release()` or process exit) and cleans up temp files of dead writers. */
  static open(path: string, options: OpenOptions = {}): TokenStore {
    const store = new TokenStore(path, options.now ?? Date.now)
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    store.acquire()
    process.on('exit', store.onExit)
    const prefix = `.${basename(path)}.`
    for (const name of readdirSync(dirname(path))) {
      if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dirname(path), name), { force: true })
    }
    return store
  }

  private acquire(): void {
    const me: LockRecord = {
      pid: process.pid,
      host: hostname(),
      at: new Date().toISOString(),
      ...(processStart(process.pid) === undefined ? {} : { start: processStart(process.pid)! }),
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const fd = openSync(this.lockPath, 'wx', 0o600)
        writeSync(fd, JSON.stringify(me))
        fsyncSync(fd)
        closeSync(fd)
        return
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      }
      const raw = readOrUndefined(this.lockPath)
      if (raw === undefined) continue
      let holder: LockRecord | undefined
      try {
        holder = JSON.parse(raw) as LockRecord
      } catch {
        // A writer died between creating the lock and writing it; give a live one a moment.
        const age = Date.now() - statSync(this.lockPath).mtimeMs
        if (age < 2_000) throw this.locked(undefined)
      }
      if (holder !== undefined && isAlive(holder)) throw this.locked(holder)
      // Stale: remove it only if it is still the same stale lock (another process may have won the race).
      if (readOrUndefined(this.lockPath) === raw) rmSync(this.lockPath, { force: true })
    }
    throw this.locked(undefined)
  }

  private locked(holder: LockRecord | undefined): HarnessError {
    const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.at})` : 'another process'
    return new HarnessError(
      'HARNESS_TOKEN_STORE_LOCKED',
      `the token store ${this.path} is in use by ${who}; one run at a time per store — wait for it to finish`,
    )
  }

  /** Gives up the lock; the store object is unusable afterwards. */
  release(): void {
    if (!this.held) return
    this.held = false
    process.off('exit', this.onExit)
    const raw = readOrUndefined(this.lockPath)
    if (raw === undefined) return
    try {
      if ((JSON.parse(raw) as LockRecord).pid === process.pid) unlinkSync(this.lockPath)
    } catch {}
  }

  exists(): boolean {
    return readOrUndefined(this.path) !== undefined
  }

  /** The stored grant; HARNESS_TOKEN_STORE_MISSING when there is none. */
  load(): StoredGrant {
    this.assertHeld()
    const raw = readOrUndefined(this.path)
    if (raw === undefined)
      throw new HarnessError(
        'HARNESS_TOKEN_STORE_MISSING',
        `no stored grant at ${this.path}: run npm run login first`,
      )
    let grant: StoredGrant
    try {
      grant = JSON.parse(raw) as StoredGrant
    } catch {
      throw new HarnessError(
        'HARNESS_TOKEN_STORE_CORRUPT',
        `the token store ${this.path} is not valid JSON: run npm run login again`,
      )
    }
    if (grant.version !== 1 || typeof grant.refreshToken !== 'string')
      throw new HarnessError(
        'HARNESS_TOKEN_STORE_CORRUPT',
        `the token store ${this.path} has an unknown format: run npm run login again`,
      )
    if ((statSync(this.path).mode & 0o077) !== 0) chmodSync(this.path, 0o600)
    this.cached = grant
    return grant
  }

  get grant(): StoredGrant {
    return this.cached ?? this.load()
  }

  save(grant: StoredGrant): void {
    this.assertHeld()
    const next = { ...grant, updatedAt: this.now() }
    writeFileAtomicSync(this.path, `${JSON.stringify(next, null, 2)}\n`)
    this.cached = next
  }

  /** A fresh grant from a code exchange (login). Replaces whatever was stored. */
  saveNew(input: {
    issuer: string
    clientId: string
    answer: TokenAnswer & { refresh_token: string }
    lifetimeDays: number
    organizationId?: string
  }): StoredGrant {
    const now = this.now()
    const grant: StoredGrant = {
      version: 1,
      issuer: input.issuer,
      clientId: input.clientId,
      refreshToken: input.answer.refresh_token,
      ...accessFields(input.answer, now),
      grantedAt: now,
      expiresAt: now + input.lifetimeDays * 86_400_000,
      updatedAt: now,
      rotations: 0,
      status: 'active',
      ...(input.organizationId === undefined ? {} : { organizationId: input.organizationId }),
      consumed: [],
    }
    this.save(grant)
    return grant
  }

  /** Write-ahead: this token is about to be presented. A retry keeps the original time. */
  beginRefresh(token: string): InFlight {
    const g = this.grant
    const prev = g.inFlight
    const inFlight: InFlight =
      prev !== undefined && prev.token === token
        ? { ...prev, attempts: prev.attempts + 1 }
        : { token, at: this.now(), attempts: 1 }
    this.save({ ...g, inFlight })
    return inFlight
  }

  /** The answer arrived: save the new tokens and clear the in-flight record in one atomic write. */
  completeRefresh(presented: string, answer: TokenAnswer): StoredGrant {
    const g = this.grant
    const rotated = answer.refresh_token !== undefined && answer.refresh_token !== presented
    const { inFlight: _, ...rest } = g
    const next: StoredGrant = {
      ...rest,
      refreshToken: answer.refresh_token ?? presented,
      ...accessFields(answer, this.now()),
      rotations: g.rotations + 1,
      consumed: rotated ? [...g.consumed, tokenFingerprint(presented)].slice(-CONSUMED_KEPT) : g.consumed,
    }
    this.save(next)
    return next
  }

  /** The server refused the token (invalid_grant): the grant is gone; never present it again. */
  rejectRefresh(presented: string): void {
    const { inFlight: _, ...rest } = this.grant
    this.save({
      ...rest,
      status: 'rejected',
      consumed: [...rest.consumed, tokenFingerprint(presented)].slice(-CONSUMED_KEPT),
    })
  }

  /** The server answered without consuming the token (e.g. invalid_client): drop the in-flight record. */
  abandonRefresh(): void {
    const { inFlight: _, ...rest } = this.grant
    this.save(rest)
  }

  /** After a destructive (replay) check: the grant is revoked by design. */
  markRevoked(): void {
    const { inFlight: _, ...rest } = this.grant
    this.save({ ...rest, status: 'revoked' })
  }

  setOrganization(organizationId: string): void {
    this.save({ ...this.grant, organizationId })
  }

  /** Whether this harness knows the token to be consumed (or refused): presenting it would be a replay. */
  isSpent(token: string): boolean {
    return this.grant.consumed.includes(tokenFingerprint(token))
  }

  private assertHeld(): void {
    if (!this.held) throw new Error('token store used after release()')
  }
}

function accessFields(answer: TokenAnswer, now: number): Partial<StoredGrant> {
  const out: Partial<StoredGrant> = {}
  if (answer.access_token !== undefined) out.accessToken = answer.access_token
  if (typeof answer.expires_in === 'number') out.accessTokenExpiresAt = now + answer.expires_in * 1000
  if (answer.scope !== undefined) out.scope = answer.scope
  return out
}

/** Refuses a grant this run must not use: another client or IdP, refused before, revoked, expired. */
export function assertUsable(
  grant: StoredGrant,
  expected: { issuer: string; clientId: string; now: number },
): void {
  if (grant.issuer !== expected.issuer || grant.clientId !== expected.clientId)
    throw new HarnessError(
      'HARNESS_TOKEN_STORE_MISMATCH',
      `the stored grant belongs to ${grant.clientId} at ${grant.issuer}, not ${expected.clientId} at ${expected.issuer}: run npm run login again`,
    )
  if (grant.status === 'rejected')
    throw new HarnessError(
      'HARNESS_REFRESH_REJECTED',
      'the stored refresh token was refused (invalid_grant) by an earlier run: run npm run login again',
    )
  if (grant.status === 'revoked')
    throw new HarnessError(
      'HARNESS_TOKEN_STORE_REVOKED',
      'the stored grant was revoked by a --destructive run: run npm run login again',
    )
  if (grant.expiresAt <= expected.now)
    throw new HarnessError(
      'HARNESS_TOKEN_STORE_EXPIRED',
      `the stored grant expired on ${new Date(grant.expiresAt).toISOString()}: run npm run login again`,
    )
}

import { createHash, randomBytes } from 'node:crypto'
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { HarnessError } from '../errors.ts'
import { looseDirectory, looseDirectoryWarning, StoreLock } from './store-lock.ts'

/**
 * The live token store. One JSON file holding one grant:
 * - written atomically: temp file in the same directory (O_EXCL, 0600) + fsync + rename + fsync
 *   of the directory, so a crash leaves the old or the new file, never a torn one;
 * - every call is synchronous, so a caller can persist a rotated token inside an event handler
 *   before anything else runs (the Newman hook relies on this);
 * - guarded by a lock (scripts/live/store-lock.ts: one holder at a time, stale locks taken over
 *   by compare-and-swap) → HARNESS_TOKEN_STORE_LOCKED while another run holds it;
 * - validated on every read: anything but a well-formed grant (not JSON, another shape, wrong
 *   types) → HARNESS_TOKEN_STORE_CORRUPT, never a TypeError later;
 * - private: a store that group or others could read is made 0600 again, with a warning that
 *   the refresh token in it may have been exposed;
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

const CONSUMED_KEPT = 32

/** Epoch ms within the range of a Date, so every message can print it (toISOString throws outside it). */
const epochMs = z.number().int().min(0).max(8_640_000_000_000_000)

const inFlightSchema = z.object({
  token: z.string().min(1),
  at: epochMs,
  attempts: z.number().int().min(1),
})

const storedGrantSchema = z.object({
  version: z.literal(1),
  issuer: z.string(),
  clientId: z.string(),
  refreshToken: z.string().min(1),
  accessToken: z.string().exactOptional(),
  accessTokenExpiresAt: epochMs.exactOptional(),
  scope: z.string().exactOptional(),
  grantedAt: epochMs,
  expiresAt: epochMs,
  updatedAt: epochMs,
  rotations: z.number().int().min(0),
  status: z.enum(['active', 'rejected', 'revoked']),
  organizationId: z.string().exactOptional(),
  inFlight: inFlightSchema.exactOptional(),
  consumed: z.array(z.string()),
}) satisfies z.ZodType<StoredGrant>

export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16)
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
  /** Where the one-line warnings go (a store others could read); default stderr. */
  warn?: (line: string) => void
  /**
   * A store that must already hold a grant (`live`): when the file is missing, HARNESS_TOKEN_STORE_MISSING
   * before anything is created. A typo in DINERO_TOKEN_STORE left its folders and a lock behind.
   */
  existing?: boolean
}

/** HARNESS_TOKEN_STORE_MISSING for `path`. */
export const missingStore = (path: string) =>
  new HarnessError('HARNESS_TOKEN_STORE_MISSING', `no stored grant at ${path}: run npm run login first`)

function corrupt(path: string, why: string): HarnessError {
  return new HarnessError(
    'HARNESS_TOKEN_STORE_CORRUPT',
    `the token store ${path} ${why}: run npm run login again`,
  )
}

function unsafe(path: string, why: string): HarnessError {
  return new HarnessError(
    'HARNESS_TOKEN_STORE_UNSAFE',
    `the token store ${path} ${why}: point DINERO_TOKEN_STORE at the real file (or a new path) instead`,
  )
}

/**
 * The store must be a plain file reached by one name. Through a symbolic link, the atomic rename
 * replaces the link with a regular file while the real file keeps the consumed token; a second
 * name (a hard link, or the link's target) has its own lock (the lock is per path name), so two
 * runs could both present the same token — a replay that makes Visma revoke all access.
 */
function assertPlainFile(path: string): void {
  let st: ReturnType<typeof lstatSync>
  try {
    st = lstatSync(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return
    throw corrupt(path, `cannot be read (${code ?? String(e)})`)
  }
  if (st.isSymbolicLink())
    throw unsafe(
      path,
      'is a symbolic link (a write would replace the link and leave the real file with a used token)',
    )
  if (!st.isFile())
    throw unsafe(path, `is not a regular file (${st.isDirectory() ? 'a directory' : 'a special file'})`)
  if (st.nlink > 1)
    throw unsafe(
      path,
      `has ${st.nlink} hard links (another name for the same file would not share this run's lock)`,
    )
}

export class TokenStore {
  private readonly now: () => number
  private readonly warn: (line: string) => void
  private readonly lock: StoreLock
  private cached: StoredGrant | undefined

  private constructor(
    readonly path: string,
    options: OpenOptions,
  ) {
    this.now = options.now ?? Date.now
    this.warn = options.warn ?? ((line) => console.error(line))
    this.lock = new StoreLock(`${path}.lock`, path, this.warn)
  }

  /** The lock directory (`<store>.lock/`): see scripts/live/store-lock.ts. */
  get lockPath(): string {
    return this.lock.dir
  }

  /** Takes the lock (held until `release()` or process exit) and cleans up temp files of dead writers. */
  static open(path: string, options: OpenOptions = {}): TokenStore {
    if (options.existing && !existsSync(path)) throw missingStore(path)
    const store = new TokenStore(path, options)
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    } catch (e) {
      throw corrupt(path, `cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
    }
    const loose = looseDirectory(dirname(path))
    if (loose !== undefined)
      store.warn(looseDirectoryWarning("the token store's directory", dirname(path), loose))
    assertPlainFile(path)
    store.lock.acquire()
    // Checked again under the lock: the path may have changed between the first check and the lock.
    try {
      assertPlainFile(path)
    } catch (e) {
      store.lock.release()
      throw e
    }
    const prefix = `.${basename(path)}.`
    for (const name of readdirSync(dirname(path))) {
      if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dirname(path), name), { force: true })
    }
    return store
  }

  /** Gives up the lock; the store object is unusable afterwards. */
  release(): void {
    this.lock.release()
  }

  exists(): boolean {
    return this.read() !== undefined
  }

  /** The stored grant; HARNESS_TOKEN_STORE_MISSING when there is none, HARNESS_TOKEN_STORE_CORRUPT when it is malformed. */
  load(): StoredGrant {
    this.lock.assertHeld()
    const raw = this.read()
    if (raw === undefined) throw missingStore(this.path)
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      throw corrupt(this.path, 'is not valid JSON')
    }
    const parsed = storedGrantSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? issue.path.join('.') : 'the top level'
      throw corrupt(this.path, `is not a stored grant (${where}: ${issue?.message ?? 'invalid'})`)
    }
    this.cached = parsed.data
    return parsed.data
  }

  /** The file's text, made private first if others could read it; undefined when there is none. */
  private read(): string | undefined {
    let fd: number
    try {
      // O_NOFOLLOW: a symbolic link put in place after open() is refused, not followed.
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return undefined
      if (code === 'ELOOP') throw unsafe(this.path, 'is a symbolic link')
      throw corrupt(this.path, `cannot be read (${code ?? String(e)})`)
    }
    try {
      const st = fstatSync(fd)
      if (!st.isFile()) throw unsafe(this.path, 'is not a regular file')
      if (st.nlink > 1) throw unsafe(this.path, `has ${st.nlink} hard links`)
      if ((st.mode & 0o077) !== 0) {
        fchmodSync(fd, 0o600)
        this.warn(
          `warning: the token store ${this.path} was readable by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); it is 0600 now, but the refresh token in it may have been exposed: sign in again with npm run login (which replaces it) and revoke the old grant in Visma Connect if others use this machine`,
        )
      }
      return readFileSync(fd, 'utf8')
    } catch (e) {
      if (e instanceof HarnessError) throw e
      throw corrupt(this.path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
    } finally {
      closeSync(fd)
    }
  }

  get grant(): StoredGrant {
    return this.cached ?? this.load()
  }

  save(grant: StoredGrant): void {
    this.lock.assertHeld()
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

import { randomBytes, randomUUID } from 'node:crypto'
import type { Clock } from '../clock.ts'
import type {
  AuthorizationCode,
  ClientConfig,
  CodeRecord,
  ErrorRecord,
  LogoutRecord,
  RefreshHandle,
  RefreshPolicy,
  RefreshRecord,
  SessionRecord,
  UserConfig,
} from './model.ts'

/**
 * Every piece of Visma Connect state of one mock instance, behind verbs. Handlers never touch
 * the maps: `takeCode` is get-and-delete, so a code is single-use by construction
 * (duende-token-request-validator), and `consumeRefresh` marks a one-time handle consumed in the same step
 * that issues its successor.
 */
export interface ConnectStore {
  readonly clients: ReadonlyMap<string, ClientConfig>
  /** Changes a client's refresh policy at run time (the control surface's settings). */
  configureRefresh(clientId: string | undefined, patch: Partial<RefreshPolicy>): void
  /**
   * Back to the seed: clients as configured, no codes, tokens, sessions, consents or revocations.
   * An access token is a signed JWT the mock keeps no record of, so one issued before the reset
   * would still verify; the reset refuses every such token instead (`isRevoked`), as a mock that
   * never issued it would — otherwise a token revoked before the reset came back to life.
   */
  reset(): void
  readonly users: ReadonlyMap<string, UserConfig>
  findUserByEmail(email: string): UserConfig | undefined

  issueCode(record: Omit<CodeRecord, 'code'>): AuthorizationCode
  /**
   * Looks a code up without consuming it (the client check comes before removal,
   * duende-token-request-validator).
   */
  findCode(code: string): CodeRecord | undefined
  /** Removes and returns the code: a second presentation finds nothing (duende-token-request-validator). */
  takeCode(code: string): CodeRecord | undefined

  issueRefresh(record: Omit<RefreshRecord, 'handle'>): RefreshHandle
  findRefresh(handle: string): RefreshRecord | undefined
  /** Marks a handle consumed and links it to its successor. */
  markConsumed(handle: RefreshHandle, at: number, successor: RefreshHandle): void
  updateRefreshExpiry(handle: RefreshHandle, expiresAt: number): void
  removeRefresh(handle: string): boolean

  /** Visma replay detection: every refresh token of the client/user goes, and earlier access tokens die. */
  revokeAll(clientId: string, subject: string): number
  /**
   * Whether an access token with this issue sequence number was issued before a revocation of its
   * client/user (`subject` undefined: a client_credentials token, which only a reset revokes) or
   * before the last reset.
   */
  isRevoked(clientId: string, subject: string | undefined, tokenSeq: number): boolean
  /**
   * Ends the lifetime of every access token issued so far to `clientId` (every client when
   * undefined), as the passing of its 3600 s would, without moving the clock: an app is made to
   * refresh while the id_tokens it gets next stay valid on its own, unmoved clock.
   */
  expireAccessTokens(clientId: string | undefined): void
  /**
   * Whether an access token with this issue sequence number and `exp` (seconds) has ended other
   * than by the clock now reading past its `exp`: `expireAccessTokens` ended it, or the clock had
   * passed its `exp` before it was moved back.
   */
  isExpired(clientId: string, tokenSeq: number, exp: number): boolean
  /**
   * A number that grows with every access token issued by this mock. It is carried in the
   * token's `jti`, so revoke-all can invalidate every earlier token in O(1) memory and without
   * depending on clock resolution.
   */
  nextTokenSeq(): number

  createSession(subject: string, authTime: number): SessionRecord
  getSession(id: string): SessionRecord | undefined
  /** Signs the session out on the server: its cookie, presented again, finds nothing (duende-end-session-result). */
  endSession(id: string): boolean
  /** The user's sign-in before the one at `authTime` (the tokens' `llt`), if the mock saw one. */
  lastLoginBefore(subject: string, authTime: number): number | undefined

  grantConsent(subject: string, clientId: string, scopes: string[]): void
  hasConsent(subject: string, clientId: string, scopes: string[]): boolean
  /** The user withdraws the app's consent: consent, refresh tokens and earlier access tokens go. */
  revokeConsent(subject: string, clientId: string): void

  recordError(error: Omit<ErrorRecord, 'createdAt'>, at: number): string
  getError(id: string): ErrorRecord | undefined
  /** Stores a validated end-session request for the logout page (`/account/logout?logoutId=…`). */
  recordLogout(logout: Omit<LogoutRecord, 'createdAt'>, at: number): string
  getLogout(id: string): LogoutRecord | undefined

  /** Drops expired codes, refresh tokens, error records and sessions (keeps memory flat under load). */
  purgeExpired(now: number): void
  counts(): { codes: number; refreshTokens: number; sessions: number; errors: number; consents: number }
}

/** is4-handle-generation: 64 upper-case hex characters (observed-visma-token-response: no `-1` suffix). */
export function newHandle(): string {
  return randomBytes(32).toString('hex').toUpperCase()
}

const key = (clientId: string, subject: string) => `${clientId}\u0000${subject}`
const ERROR_TTL_MS = 10 * 60_000
/**
 * At most this many error records, and as many logout records, held at once: each bad authorize
 * request leaves one for its error page, and a flood of them grew the served mock by ~280 MB in
 * 250k requests before its 10 minutes were up. Past the bound the oldest goes first.
 */
export const RECORDS_MAX = 10_000
/** At most this many marks of moves of the clock back (each checked when a token is verified). */
const MOVED_BACK_MAX = 1_000

function addCapped<V>(records: Map<string, V>, id: string, record: V): string {
  records.set(id, record)
  if (records.size > RECORDS_MAX) records.delete(records.keys().next().value as string)
  return id
}
/**
 * visma-connect-session-management: the Visma Connect IdP session lasts at most 10 hours from
 * sign-in, "no matter if there is activity" — absolute, not Duende's sliding cookie. (A lifetime
 * also keeps memory flat: every cookie-less login used to leave a session behind, issue 7.)
 */
export const SESSION_LIFETIME_MS = 10 * 3600_000

export interface ConnectStoreOptions {
  /** Deviation `session.sliding`: each use of a session restarts its 10 hours. */
  slidingSession?: () => boolean
  /**
   * Deviations `code.no-expiry` and `refresh.no-expiry`: an expired code or refresh token still
   * works, so the purge keeps it too.
   */
  keepsExpired?: (kind: 'code' | 'refresh') => boolean
}

export function createConnectStore(
  seed: { clients: ClientConfig[]; users: UserConfig[] },
  clock: Clock,
  options: ConnectStoreOptions = {},
): ConnectStore {
  const clients = new Map<string, ClientConfig>()
  const seedClients = () => {
    clients.clear()
    for (const c of seed.clients) clients.set(c.clientId, { ...c, refresh: { ...c.refresh } })
  }
  seedClients()
  const users = new Map(seed.users.map((u) => [u.subject, u]))
  const usersByEmail = new Map(seed.users.map((u) => [u.email.toLowerCase(), u]))
  const codes = new Map<string, CodeRecord>()
  const refresh = new Map<string, RefreshRecord>()
  const sessions = new Map<string, SessionRecord>()
  /** When each session's lifetime started on the mock clock: sign-in (or, sliding, its last use). */
  const sessionSeen = new Map<string, number>()
  const consents = new Map<string, Set<string>>()
  /** The latest sign-in times of each user, newest last (a few are enough for `llt`). */
  const signIns = new Map<string, number[]>()
  const revokedSeq = new Map<string, number>()
  /** Per client, the last sequence number `expireAccessTokens` ended; `allExpiredSeq` for every client. */
  const expiredSeq = new Map<string, number>()
  let allExpiredSeq = 0
  /**
   * Each move of the clock back: tokens issued up to `seq` whose `exp` (ms) the clock had reached
   * at `from` stay expired, as they would be on a service whose clock never goes back. A mark
   * that a later one covers (issued no later, reached no later) is dropped, so a check that
   * travels forward and back many times leaves one.
   */
  let movedBack: { seq: number; from: number }[] = []
  let tokenSeq = 0
  /** The last sequence number issued before the latest reset: every token up to it is refused. */
  let resetSeq = 0
  const errors = new Map<string, ErrorRecord>()
  const logouts = new Map<string, LogoutRecord>()
  let lastPurge = clock.now()

  // Purge every 30 s of mock time, or sooner once the maps grow past a bound that doubles with
  // what is still live after a purge (so many live tokens do not mean a full scan per request).
  let purgeAbove = 50_000
  const size = () => codes.size + refresh.size + sessions.size
  const maybePurge = () => {
    const now = clock.now()
    if (now - lastPurge < 30_000 && size() <= purgeAbove) return
    store.purgeExpired(now)
    purgeAbove = Math.max(50_000, 2 * size())
  }

  // Moving the clock back revives nothing that had expired where it was: the purge, which runs
  // when something is issued, used to decide it, so a code past its 300 s came back after -301 s
  // in one run and not in another, as unrelated traffic while the clock was ahead had it.
  clock.onMoveBack((from) => {
    store.purgeExpired(from)
    // The marks stay a staircase, issued later and reached lower: a mark the new one covers goes,
    // and the new one is not kept when no token was issued since the last (which covers it).
    movedBack = movedBack.filter((m) => m.from > from)
    if (movedBack.at(-1)?.seq !== tokenSeq) movedBack.push({ seq: tokenSeq, from })
    // Moves back that each start lower, with tokens issued between, keep every mark. Past the
    // bound the two oldest merge into one that covers both (issued up to the later, reached the
    // higher): a token may then stay expired that a move back would not have expired, but none
    // comes back. Dropping the oldest instead revived a token after 1,000 moves (adversarial pass).
    if (movedBack.length > MOVED_BACK_MAX) {
      const [first, second, ...rest] = movedBack
      movedBack = [{ seq: second!.seq, from: first!.from }, ...rest]
    }
  })

  const store: ConnectStore = {
    clients,
    configureRefresh(clientId, patch) {
      for (const c of clients.values()) {
        if (clientId === undefined || c.clientId === clientId) c.refresh = { ...c.refresh, ...patch }
      }
    },
    reset() {
      seedClients()
      for (const m of [
        codes,
        refresh,
        sessions,
        sessionSeen,
        consents,
        signIns,
        revokedSeq,
        expiredSeq,
        errors,
        logouts,
      ])
        m.clear()
      resetSeq = tokenSeq
      allExpiredSeq = 0
      movedBack = []
    },
    users,
    findUserByEmail: (email) => usersByEmail.get(email.toLowerCase()),

    issueCode(record) {
      maybePurge()
      const code = newHandle() as AuthorizationCode
      codes.set(code, { ...record, code })
      return code
    },
    findCode: (code) => codes.get(code),
    takeCode(code) {
      const record = codes.get(code)
      codes.delete(code)
      return record
    },

    issueRefresh(record) {
      maybePurge()
      const handle = newHandle() as RefreshHandle
      refresh.set(handle, { ...record, handle })
      return handle
    },
    findRefresh: (handle) => refresh.get(handle),
    markConsumed(handle, at, successor) {
      const r = refresh.get(handle)
      if (r) {
        r.consumedAt ??= at
        r.successor = successor
      }
    },
    updateRefreshExpiry(handle, expiresAt) {
      const r = refresh.get(handle)
      if (r) r.expiresAt = expiresAt
    },
    removeRefresh: (handle) => refresh.delete(handle),

    revokeAll(clientId, subject) {
      let n = 0
      for (const [h, r] of refresh) {
        if (r.clientId === clientId && r.subject === subject) {
          refresh.delete(h)
          n++
        }
      }
      revokedSeq.set(key(clientId, subject), tokenSeq)
      return n
    },
    isRevoked(clientId, subject, seq) {
      if (seq <= resetSeq) return true
      const last = subject === undefined ? undefined : revokedSeq.get(key(clientId, subject))
      return last !== undefined && seq <= last
    },
    expireAccessTokens(clientId) {
      if (clientId === undefined) allExpiredSeq = tokenSeq
      else expiredSeq.set(clientId, tokenSeq)
    },
    isExpired(clientId, seq, exp) {
      if (seq <= allExpiredSeq || seq <= (expiredSeq.get(clientId) ?? 0)) return true
      return movedBack.some((m) => seq <= m.seq && exp * 1000 <= m.from)
    },
    nextTokenSeq: () => ++tokenSeq,

    createSession(subject, authTime) {
      maybePurge()
      const s = { id: randomUUID(), subject, authTime }
      sessions.set(s.id, s)
      const times = signIns.get(subject) ?? []
      times.push(authTime)
      signIns.set(subject, times.slice(-8))
      sessionSeen.set(s.id, clock.now())
      return s
    },
    getSession(id) {
      const s = sessions.get(id)
      if (s === undefined) return undefined
      const now = clock.now()
      if ((sessionSeen.get(id) ?? 0) + SESSION_LIFETIME_MS <= now) {
        sessions.delete(id)
        sessionSeen.delete(id)
        return undefined
      }
      if (options.slidingSession?.()) sessionSeen.set(id, now)
      return s
    },

    endSession(id) {
      sessionSeen.delete(id)
      return sessions.delete(id)
    },

    lastLoginBefore(subject, authTime) {
      return (signIns.get(subject) ?? []).filter((t) => t < authTime).at(-1)
    },

    grantConsent(subject, clientId, scopes) {
      const k = key(clientId, subject)
      const set = consents.get(k) ?? new Set<string>()
      for (const s of scopes) set.add(s)
      consents.set(k, set)
    },
    hasConsent(subject, clientId, scopes) {
      const set = consents.get(key(clientId, subject))
      return set !== undefined && scopes.every((s) => set.has(s))
    },
    revokeConsent(subject, clientId) {
      consents.delete(key(clientId, subject))
      store.revokeAll(clientId, subject)
    },

    recordError(error, at) {
      maybePurge()
      return addCapped(errors, randomBytes(16).toString('hex'), { ...error, createdAt: at })
    },
    getError: (id) => errors.get(id),
    recordLogout(logout, at) {
      maybePurge()
      return addCapped(logouts, randomBytes(16).toString('hex'), { ...logout, createdAt: at })
    },
    getLogout: (id) => logouts.get(id),

    purgeExpired(now) {
      lastPurge = now
      if (!options.keepsExpired?.('code')) for (const [c, r] of codes) if (r.expiresAt <= now) codes.delete(c)
      if (!options.keepsExpired?.('refresh'))
        for (const [h, r] of refresh) if (r.expiresAt <= now) refresh.delete(h)
      for (const [id, e] of errors) if (e.createdAt + ERROR_TTL_MS <= now) errors.delete(id)
      for (const [id, l] of logouts) if (l.createdAt + ERROR_TTL_MS <= now) logouts.delete(id)
      for (const [id, seen] of sessionSeen) {
        if (seen + SESSION_LIFETIME_MS <= now) {
          sessions.delete(id)
          sessionSeen.delete(id)
        }
      }
    },
    counts: () => ({
      codes: codes.size,
      refreshTokens: refresh.size,
      sessions: sessions.size,
      errors: errors.size,
      consents: consents.size,
    }),
  }
  return store
}

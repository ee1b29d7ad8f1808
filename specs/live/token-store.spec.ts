import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { HarnessError } from '../../scripts/errors.ts'
import { refreshStored, uncertain } from '../../scripts/live/refresher.ts'
import {
  BOOT_ID,
  FOREIGN_LOCK_STALE_MS,
  LOCK_HEARTBEAT_MS,
  type LockRecord,
  PID_NAMESPACE,
  StoreLock,
  TORN_LOCK_GRACE_MS,
} from '../../scripts/live/store-lock.ts'
import { type StoredGrant, TokenStore, tokenFingerprint } from '../../scripts/live/token-store.ts'
import {
  freePort,
  journal,
  LIVE_CLIENT_ID,
  LIVE_CLIENT_ID_2,
  LIVE_CLIENT_SECRET,
  type LiveMock,
  refreshRequests,
  seedGrant,
  settings,
  startLiveMock,
  tempDir,
} from './support/harness.ts'

/** The token store (atomic 0600 writes, lock, stale-lock takeover, write-ahead record) and the refresher's use of it. */
const answer = (rt: string) => ({
  access_token: 'eyJ.access.token',
  refresh_token: rt,
  expires_in: 3600,
  scope: 's',
})
const RT1 = 'A'.repeat(64)
const RT2 = 'B'.repeat(64)

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof HarnessError ? e.code : `not a HarnessError: ${String(e)}`
  }
  return undefined
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (e) {
    return e instanceof HarnessError ? e.code : `not a HarnessError: ${String(e)}`
  }
  return undefined
}

const lockOf = (path: string) => new StoreLock(`${path}.lock`, path)
/** Writes the lock's next generation as if another process held it. */
function plantLock(path: string, record: Partial<LockRecord> | string, ageMs = 0): string {
  mkdirSync(`${path}.lock`, { recursive: true })
  const file = join(`${path}.lock`, String((lockOf(path).current()?.gen ?? 0) + 1))
  writeFileSync(
    file,
    typeof record === 'string'
      ? record
      : JSON.stringify({
          state: 'held',
          host: hostname(),
          ...(BOOT_ID === undefined ? {} : { boot: BOOT_ID }),
          ...(PID_NAMESPACE === undefined ? {} : { pidns: PID_NAMESPACE }),
          at: 'then',
          pid: 1,
          ...record,
        }),
  )
  const then = new Date(Date.now() - ageMs)
  utimesSync(file, then, then)
  return file
}
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  return new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)))
}

let tmp: ReturnType<typeof tempDir>
const opened: TokenStore[] = []
const open = (path: string, now?: () => number) => {
  const s = TokenStore.open(path, now ? { now } : {})
  opened.push(s)
  return s
}
beforeAll(() => {
  tmp = tempDir('token-store')
})
afterEach(() => {
  for (const s of opened.splice(0)) s.release()
})
afterAll(() => tmp.cleanup())

describe('token store', () => {
  it('writes atomically with mode 0600 (a new inode each time, no temp file left) and cleans up temp files of dead writers', () => {
    const path = join(tmp.dir, 'atomic', 'tokens.json')
    const store = open(path)
    store.saveNew({ issuer: 'https://c', clientId: 'isv_x', answer: answer(RT1), lifetimeDays: 30 })
    const first = statSync(path)
    expect(first.mode & 0o777).toBe(0o600)
    store.completeRefresh(RT1, answer(RT2))
    const second = statSync(path)
    expect(second.ino).not.toBe(first.ino)
    expect(second.mode & 0o777).toBe(0o600)
    expect(readdirSync(join(tmp.dir, 'atomic')).sort()).toEqual(['tokens.json', 'tokens.json.lock'])
    store.release()

    // A writer killed before its rename leaves a temp file; the store itself is untouched.
    writeFileSync(join(tmp.dir, 'atomic', '.tokens.json.99999.deadbeef.tmp'), '{"torn')
    const again = open(path)
    expect(again.load().refreshToken).toBe(RT2)
    expect(readdirSync(join(tmp.dir, 'atomic')).sort()).toEqual(['tokens.json', 'tokens.json.lock'])
  })

  it('a second open of a store in use → HARNESS_TOKEN_STORE_LOCKED; release frees it', () => {
    const path = join(tmp.dir, 'lock', 'tokens.json')
    const store = open(path)
    expect(code(() => TokenStore.open(path))).toBe('HARNESS_TOKEN_STORE_LOCKED')
    store.release()
    expect(lockOf(path).current()?.record?.state).toBe('free')
    expect(code(() => open(path))).toBeUndefined()
    // One generation file at rest: each change of hands collects the older ones.
    expect(readdirSync(`${path}.lock`)).toHaveLength(1)
  })

  it('a stale lock (dead pid, or a reused pid with another start time) is taken over; a live holder is not', async () => {
    const path = join(tmp.dir, 'stale', 'tokens.json')
    open(path).release()
    const dead = await deadPid()

    plantLock(path, { pid: dead })
    expect(code(() => open(path).release())).toBeUndefined()

    plantLock(path, { pid: process.pid, start: '1' })
    expect(code(() => open(path).release())).toBeUndefined()

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'])
    try {
      await new Promise((resolve) => sleeper.on('spawn', resolve))
      plantLock(path, { pid: sleeper.pid! })
      expect(code(() => TokenStore.open(path))).toBe('HARNESS_TOKEN_STORE_LOCKED')
    } finally {
      sleeper.kill()
    }
  })

  it('a lock from another host holds while its mtime is fresh (HARNESS_TOKEN_STORE_LOCKED) and is taken over once it is older than FOREIGN_LOCK_STALE_MS', async () => {
    const path = join(tmp.dir, 'foreign', 'tokens.json')
    const dead = await deadPid()
    plantLock(path, { pid: dead, host: 'ci-container-7f3a' }, FOREIGN_LOCK_STALE_MS - 10_000)
    expect(code(() => TokenStore.open(path))).toBe('HARNESS_TOKEN_STORE_LOCKED')
    plantLock(path, { pid: dead, host: 'ci-container-7f3a' }, FOREIGN_LOCK_STALE_MS + 10_000)
    expect(code(() => open(path))).toBeUndefined()
    expect(lockOf(path).current()?.record?.pid).toBe(process.pid)
  })

  it('a lock from another PID namespace or boot under the same host name (a container sharing the volume) holds while fresh even though its pid is gone here (HARNESS_TOKEN_STORE_LOCKED); stale only by heartbeat age', async () => {
    const path = join(tmp.dir, 'pidns', 'tokens.json')
    const dead = await deadPid()
    for (const other of [{ pidns: 'pid:[4026599999]' }, { boot: '00000000-0000-0000-0000-000000000000' }]) {
      plantLock(path, { pid: dead, ...other }, FOREIGN_LOCK_STALE_MS - 10_000)
      expect(code(() => TokenStore.open(path))).toBe('HARNESS_TOKEN_STORE_LOCKED')
      expect(() => TokenStore.open(path)).toThrow(/in another container, boot or PID namespace/)
    }
    // A record without the namespace fields (written elsewhere, or by an older harness) cannot be probed either.
    const { boot: _b, pidns: _p, ...bare } = JSON.parse(readFileSync(plantLock(path, { pid: dead }), 'utf8'))
    plantLock(path, JSON.stringify(bare))
    expect(code(() => TokenStore.open(path))).toBe(
      BOOT_ID === undefined && PID_NAMESPACE === undefined ? undefined : 'HARNESS_TOKEN_STORE_LOCKED',
    )
    plantLock(path, { pid: dead, pidns: 'pid:[4026599999]' }, FOREIGN_LOCK_STALE_MS + 10_000)
    expect(code(() => open(path))).toBeUndefined()
    const mine = lockOf(path).current()?.record
    expect([mine?.pid, mine?.boot, mine?.pidns]).toEqual([process.pid, BOOT_ID, PID_NAMESPACE])
  })

  it('a holder keeps its lock fresh for other hosts: every save and every LOCK_HEARTBEAT_MS touch its mtime', () => {
    const path = join(tmp.dir, 'heartbeat', 'tokens.json')
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const store = open(path)
      const age = () => Date.now() - statSync(lockOf(path).current()!.file).mtimeMs
      const backdate = () => {
        const then = new Date(Date.now() - 3_600_000)
        utimesSync(lockOf(path).current()!.file, then, then)
      }
      backdate()
      expect(age()).toBeGreaterThan(FOREIGN_LOCK_STALE_MS)
      vi.advanceTimersByTime(LOCK_HEARTBEAT_MS)
      expect(age()).toBeLessThan(FOREIGN_LOCK_STALE_MS)
      backdate()
      store.saveNew({ issuer: 'https://c', clientId: 'isv_x', answer: answer(RT1), lifetimeDays: 30 })
      expect(age()).toBeLessThan(FOREIGN_LOCK_STALE_MS)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a lock file left by an older version of the harness → HARNESS_TOKEN_STORE_LOCKED, saying to delete it if no run is active', () => {
    const path = join(tmp.dir, 'legacy', 'tokens.json')
    mkdirSync(join(tmp.dir, 'legacy'), { recursive: true })
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 1, host: hostname(), at: 'then' }))
    let error: unknown
    try {
      TokenStore.open(path)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(HarnessError)
    expect((error as HarnessError).code).toBe('HARNESS_TOKEN_STORE_LOCKED')
    expect((error as HarnessError).message).toMatch(/older version.*delete it/)
  })

  it('a lock generation appears whole (linked from a temp file, never created empty), and a temp record a writer died with is collected after a minute', () => {
    const path = join(tmp.dir, 'whole', 'tokens.json')
    const dir = `${path}.lock`
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const fresh = join(dir, `.tmp-999999-${'a'.repeat(12)}`)
    const old = join(dir, `.tmp-999998-${'b'.repeat(12)}`)
    writeFileSync(fresh, '{"state":"he')
    writeFileSync(old, '{"state":"he')
    const minuteAgo = new Date(Date.now() - 61_000)
    utimesSync(old, minuteAgo, minuteAgo)
    const store = open(path)
    const names = readdirSync(dir)
    // The holder's generation is complete the moment its number exists, and hard-linked: the
    // temp name it was written under is gone, so its link count is back to one.
    const gen = names.find((n) => /^[0-9]+$/.test(n))!
    expect(JSON.parse(readFileSync(join(dir, gen), 'utf8'))).toMatchObject({
      state: 'held',
      pid: process.pid,
    })
    expect(statSync(join(dir, gen)).nlink).toBe(1)
    expect(names.filter((n) => n.startsWith('.tmp-')).sort()).toEqual([fresh.slice(dir.length + 1)])
    store.release()
  })

  it('a lock whose record is still being written holds for TORN_LOCK_GRACE_MS, then counts as left by a dead writer', () => {
    const path = join(tmp.dir, 'torn', 'tokens.json')
    plantLock(path, '')
    expect(code(() => TokenStore.open(path))).toBe('HARNESS_TOKEN_STORE_LOCKED')
    plantLock(path, '{"state":"he', TORN_LOCK_GRACE_MS + 5_000)
    expect(code(() => open(path))).toBeUndefined()
  })

  it('a run whose lock was taken over meanwhile refuses to write: HARNESS_TOKEN_STORE_LOCKED, the store unchanged', () => {
    const path = join(tmp.dir, 'taken', 'tokens.json')
    const store = open(path)
    store.saveNew({ issuer: 'https://c', clientId: 'isv_x', answer: answer(RT1), lifetimeDays: 30 })
    const before = readFileSync(path, 'utf8')
    plantLock(path, { host: 'another-host' })
    expect(code(() => store.beginRefresh(RT1))).toBe('HARNESS_TOKEN_STORE_LOCKED')
    expect(readFileSync(path, 'utf8')).toBe(before)
    // Releasing leaves the other holder's generation alone.
    store.release()
    expect(lockOf(path).current()?.record?.host).toBe('another-host')
  })

  it('a store others can read is made 0600 again, with a one-line warning that the refresh token may have been exposed', () => {
    const path = join(tmp.dir, 'exposed', 'tokens.json')
    const lines: string[] = []
    const store = TokenStore.open(path, { warn: (line) => lines.push(line) })
    opened.push(store)
    store.saveNew({ issuer: 'https://c', clientId: 'isv_x', answer: answer(RT1), lifetimeDays: 30 })
    expect(lines).toEqual([])
    chmodSync(path, 0o644)
    expect(store.load().refreshToken).toBe(RT1)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^warning: .*0644.*refresh token .*may have been exposed.*npm run login.*revoke/)
    expect(lines[0]).not.toContain('\n')
    expect(lines[0]).not.toContain(RT1)
    store.load()
    expect(lines).toHaveLength(1)
  })

  it('the write-ahead record is on disk before a refresh and cleared with the answer; the consumed token is remembered', () => {
    const path = join(tmp.dir, 'wal', 'tokens.json')
    let now = 1_000
    const store = open(path, () => now)
    store.saveNew({ issuer: 'https://c', clientId: 'isv_x', answer: answer(RT1), lifetimeDays: 30 })
    store.beginRefresh(RT1)
    const disk = () => JSON.parse(readFileSync(path, 'utf8')) as StoredGrant
    expect(disk().inFlight).toEqual({ token: RT1, at: 1_000, attempts: 1 })
    now = 5_000
    store.beginRefresh(RT1)
    expect(disk().inFlight).toEqual({ token: RT1, at: 1_000, attempts: 2 })
    store.completeRefresh(RT1, answer(RT2))
    expect(disk().inFlight).toBeUndefined()
    expect(disk().refreshToken).toBe(RT2)
    expect(disk().consumed).toEqual([tokenFingerprint(RT1)])
    expect(store.isSpent(RT1)).toBe(true)
    expect(store.isSpent(RT2)).toBe(false)
  })
})

describe('refresher against the served mock (one-time tokens, revoke-all)', () => {
  let live: LiveMock
  beforeAll(async () => {
    live = await startLiveMock()
    await settings(live.origin, { clientId: LIVE_CLIENT_ID_2, refresh: { graceSeconds: 30 } })
  })
  afterAll(async () => {
    await live.close()
  })
  const options = (clientId = LIVE_CLIENT_ID, graceSeconds = 0, now?: () => number) => ({
    connectUrl: live.origin,
    clientId,
    clientSecret: LIVE_CLIENT_SECRET,
    graceSeconds,
    ...(now ? { now } : {}),
  })
  const mine = async (clientId: string) =>
    refreshRequests(await journal(live.origin)).filter((e) => e.details.client_id === clientId)

  /** Consumes the stored token at the server but "dies" before saving: the store keeps the in-flight record. */
  async function interrupted(path: string, clientId: string): Promise<TokenStore> {
    await seedGrant(live, path, clientId)
    const store = open(path)
    const token = store.load().refreshToken
    store.beginRefresh(token)
    const res = await fetch(`${live.origin}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: clientId,
        client_secret: LIVE_CLIENT_SECRET,
      }).toString(),
    })
    expect(res.status).toBe(200)
    return store
  }

  it('rotates, saves at once and never presents the consumed token again (HARNESS_REPLAY_BLOCKED)', async () => {
    const path = join(tmp.dir, 'r1', 'tokens.json')
    await seedGrant(live, path)
    const store = open(path)
    const before = store.load().refreshToken
    const after = await refreshStored(store, options())
    expect(after.refreshToken).not.toBe(before)
    expect(after.rotations).toBe(1)
    store.save({ ...store.grant, refreshToken: before })
    expect(await codeOf(refreshStored(store, options()))).toBe('HARNESS_REPLAY_BLOCKED')
  })

  it('an in-flight record without a grace window → HARNESS_REFRESH_UNCERTAIN and nothing is sent', async () => {
    const path = join(tmp.dir, 'r2', 'tokens.json')
    const store = await interrupted(path, LIVE_CLIENT_ID)
    const sent = (await mine(LIVE_CLIENT_ID)).length
    expect(await codeOf(refreshStored(store, options()))).toBe('HARNESS_REFRESH_UNCERTAIN')
    expect((await mine(LIVE_CLIENT_ID)).length).toBe(sent)
    expect(store.load().inFlight).toBeDefined()
  })

  it('inside the grace window the in-flight token is presented once more and accepted; past it → HARNESS_REFRESH_UNCERTAIN', async () => {
    const path = join(tmp.dir, 'r3', 'tokens.json')
    const store = await interrupted(path, LIVE_CLIENT_ID_2)
    const late = () => Date.now() + 29_000
    expect(await codeOf(refreshStored(store, options(LIVE_CLIENT_ID_2, 30, late)))).toBe(
      'HARNESS_REFRESH_UNCERTAIN',
    )
    const recovered = await refreshStored(store, options(LIVE_CLIENT_ID_2, 30))
    expect(recovered.inFlight).toBeUndefined()
    const last = (await mine(LIVE_CLIENT_ID_2)).at(-1)!
    expect([last.status, last.details.refresh]).toEqual([200, 'grace'])
  })

  it('an in-flight record dated after now (the clock moved back) is outside any grace window → HARNESS_REFRESH_UNCERTAIN saying the clock moved back; nothing is sent', async () => {
    const path = join(tmp.dir, 'future', 'tokens.json')
    const store = await interrupted(path, LIVE_CLIENT_ID)
    const sent = (await mine(LIVE_CLIENT_ID)).length
    const back = () => store.grant.inFlight!.at - 3_600_000
    const failed = await refreshStored(store, options(LIVE_CLIENT_ID, 30, back)).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(HarnessError)
    expect((failed as HarnessError).code).toBe('HARNESS_REFRESH_UNCERTAIN')
    expect((failed as HarnessError).message).toMatch(/clock moved back/)
    expect((await mine(LIVE_CLIENT_ID)).length).toBe(sent)
    expect(store.load().inFlight).toBeDefined()
  })

  it('a grace retry refused with invalid_grant → HARNESS_REFRESH_REJECTED saying the retry presented a token already sent once, so with no (or a shorter) grace window in the app it was a replay that likely revoked all access (naming DINERO_REFRESH_GRACE_SECONDS)', async () => {
    // LIVE_CLIENT_ID's app has no grace window; the harness is told it has 30 s.
    const path = join(tmp.dir, 'grace-replay', 'tokens.json')
    const store = await interrupted(path, LIVE_CLIENT_ID)
    const failed = await refreshStored(store, options(LIVE_CLIENT_ID, 30)).catch((e: unknown) => e)
    expect((failed as HarnessError).code).toBe('HARNESS_REFRESH_REJECTED')
    const m = (failed as HarnessError).message
    expect(m).toMatch(/already sent once/)
    expect(m).toMatch(/replay/)
    expect(m).toMatch(/revoked all access/)
    expect(m).toContain('DINERO_REFRESH_GRACE_SECONDS (30 s)')
    expect(m).not.toContain(store.grant.refreshToken)
  })

  it('a refresh that never left the machine (connection refused, no grace window) → HARNESS_CONNECT_UNREACHABLE; the in-flight record is cleared and the same token is accepted next time', async () => {
    const path = join(tmp.dir, 'closed', 'tokens.json')
    await seedGrant(live, path)
    const store = open(path)
    const token = store.load().refreshToken
    const closed = `http://127.0.0.1:${await freePort()}`
    store.save({ ...store.grant, issuer: closed })
    expect(await codeOf(refreshStored(store, { ...options(), connectUrl: closed }))).toBe(
      'HARNESS_CONNECT_UNREACHABLE',
    )
    const after = store.load()
    expect(after.inFlight).toBeUndefined()
    expect(after.refreshToken).toBe(token)
    expect(store.isSpent(token)).toBe(false)

    store.save({ ...after, issuer: live.origin })
    const refreshed = await refreshStored(store, options())
    expect(refreshed.refreshToken).not.toBe(token)
    const last = (await mine(LIVE_CLIENT_ID)).at(-1)!
    // A first use, not a replay: the mock saw the token unconsumed.
    expect([last.status, last.details.refresh, last.details.rotated]).toEqual([200, undefined, true])
  })

  it('a retry of an unsettled refresh that cannot reach the endpoint → HARNESS_CONNECT_UNREACHABLE and the record is kept (its first presentation may have consumed the token)', async () => {
    const path = join(tmp.dir, 'closed-retry', 'tokens.json')
    const store = await interrupted(path, LIVE_CLIENT_ID_2)
    const record = store.load().inFlight
    const closed = `http://127.0.0.1:${await freePort()}`
    store.save({ ...store.grant, issuer: closed })
    expect(await codeOf(refreshStored(store, { ...options(LIVE_CLIENT_ID_2, 30), connectUrl: closed }))).toBe(
      'HARNESS_CONNECT_UNREACHABLE',
    )
    expect(store.load().inFlight).toEqual(record)
  })

  it('HARNESS_REFRESH_UNCERTAIN says what happened: an earlier run left it, no answer came, or an answer came without tokens', () => {
    const inFlight = { token: RT1, at: 0, attempts: 1 }
    const leftOver = uncertain(inFlight, 0).message
    const silent = uncertain(inFlight, 0, { kind: 'no-answer', reason: 'timed out' }).message
    const answered = uncertain(inFlight, 30, { kind: 'answer-without-tokens', status: 503 }).message
    expect(leftOver).toMatch(/by an earlier run was never settled/)
    expect(silent).toMatch(/got no answer \(timed out\)/)
    expect(answered).toMatch(/was answered 503 without new tokens/)
    expect(answered).toMatch(/30 s grace window has passed/)
    for (const m of [leftOver, silent, answered]) {
      expect(m).not.toMatch(/never had its answer saved/)
      expect(m).toMatch(/npm run login again$/)
      expect(m).not.toContain(RT1)
    }
  })

  it('invalid_grant → HARNESS_REFRESH_REJECTED, remembered, so the next run sends nothing', async () => {
    const path = join(tmp.dir, 'r4', 'tokens.json')
    await seedGrant(live, path)
    const store = open(path)
    store.save({ ...store.load(), refreshToken: 'C'.repeat(64) })
    expect(await codeOf(refreshStored(store, options()))).toBe('HARNESS_REFRESH_REJECTED')
    const sent = (await mine(LIVE_CLIENT_ID)).length
    expect(await codeOf(refreshStored(store, options()))).toBe('HARNESS_REFRESH_REJECTED')
    expect((await mine(LIVE_CLIENT_ID)).length).toBe(sent)
  })

  it('an expired store → HARNESS_TOKEN_STORE_EXPIRED; another client’s store → HARNESS_TOKEN_STORE_MISMATCH; none → HARNESS_TOKEN_STORE_MISSING', async () => {
    const path = join(tmp.dir, 'r5', 'tokens.json')
    const empty = open(join(tmp.dir, 'r5-none', 'tokens.json'))
    expect(await codeOf(refreshStored(empty, options()))).toBe('HARNESS_TOKEN_STORE_MISSING')
    await seedGrant(live, path)
    const store = open(path)
    const later = () => Date.now() + 31 * 86_400_000
    expect(await codeOf(refreshStored(store, options(LIVE_CLIENT_ID, 0, later)))).toBe(
      'HARNESS_TOKEN_STORE_EXPIRED',
    )
    expect(await codeOf(refreshStored(store, options('isv_someone_else')))).toBe(
      'HARNESS_TOKEN_STORE_MISMATCH',
    )
  })
})

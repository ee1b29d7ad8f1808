import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HarnessError } from '../../scripts/cli-errors.ts'
import { refreshStored } from '../../scripts/live/refresher.ts'
import { type StoredGrant, TokenStore, tokenFingerprint } from '../../scripts/live/token-store.ts'
import {
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
    expect(existsSync(`${path}.lock`)).toBe(false)
    expect(code(() => open(path))).toBeUndefined()
  })

  it('a stale lock (dead pid, or a reused pid with another start time) is taken over; a live holder is not', async () => {
    const path = join(tmp.dir, 'stale', 'tokens.json')
    open(path).release()
    const child = spawn(process.execPath, ['-e', ''])
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)))
    const lock = (record: Record<string, unknown>) => writeFileSync(`${path}.lock`, JSON.stringify(record))

    lock({ pid: deadPid, host: hostname(), at: 'then' })
    expect(code(() => open(path).release())).toBeUndefined()

    lock({ pid: process.pid, start: '1', host: hostname(), at: 'then' })
    expect(code(() => open(path).release())).toBeUndefined()

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'])
    try {
      await new Promise((resolve) => sleeper.on('spawn', resolve))
      lock({ pid: sleeper.pid, host: hostname(), at: 'now' })
      expect(code(() => TokenStore.open(path))).toBe('HARNESS_TOKEN_STORE_LOCKED')
      lock({ pid: deadPid, host: 'another-host', at: 'now' })
      expect(code(() => TokenStore.open(path))).toBe('HARNESS_TOKEN_STORE_LOCKED')
    } finally {
      sleeper.kill()
    }
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

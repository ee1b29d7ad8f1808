import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HarnessError } from '../../scripts/errors.ts'
import { BOOT_ID, isStale, PID_NAMESPACE } from '../../scripts/live/store-lock.ts'
import { TokenStore } from '../../scripts/live/token-store.ts'
import { statField } from '../../scripts/processes.ts'
import { startZombie } from '../support/zombie.ts'
import { tempDir } from './support/process.ts'

/**
 * A token store reached by more than one name, or that is not a file at all, is refused before
 * anything is read, locked or sent: writing through a symbolic link replaces the link and leaves
 * the real file holding a used refresh token under another lock, and presenting that token again
 * makes Visma revoke all access.
 */
const GRANT = `${JSON.stringify({
  version: 1,
  issuer: 'https://connect.example',
  clientId: 'isv_x',
  refreshToken: 'A'.repeat(64),
  grantedAt: 1_000,
  expiresAt: 9_000_000_000_000,
  updatedAt: 1_000,
  rotations: 0,
  status: 'active',
  consumed: [],
})}\n`

function failure(fn: () => unknown): HarnessError | string {
  try {
    const s = fn()
    if (s instanceof TokenStore) s.release()
  } catch (e) {
    return e instanceof HarnessError ? e : `not a HarnessError: ${String(e)}`
  }
  return 'no error'
}

let tmp: ReturnType<typeof tempDir>
beforeAll(() => {
  tmp = tempDir('store-safety')
})
afterAll(() => tmp.cleanup())

describe('token store path safety', () => {
  it('a store path that is a symbolic link → HARNESS_TOKEN_STORE_UNSAFE naming the path and DINERO_TOKEN_STORE; the real file and the link stay as they were', () => {
    const dir = join(tmp.dir, 'sym')
    mkdirSync(dir)
    const real = join(dir, 'real.json')
    const link = join(dir, 'tokens.json')
    writeFileSync(real, GRANT, { mode: 0o600 })
    symlinkSync(real, link)
    const e = failure(() => TokenStore.open(link, { warn: () => {} }))
    expect(e).toBeInstanceOf(HarnessError)
    expect((e as HarnessError).code).toBe('HARNESS_TOKEN_STORE_UNSAFE')
    expect((e as HarnessError).message).toContain(link)
    expect((e as HarnessError).message).toContain('symbolic link')
    expect((e as HarnessError).message).toContain('DINERO_TOKEN_STORE')
    expect(readFileSync(real, 'utf8')).toBe(GRANT)
    expect(existsSync(`${link}.lock`)).toBe(false)
  })

  it('a store file with a second hard link → HARNESS_TOKEN_STORE_UNSAFE (the other name would have its own lock)', () => {
    const dir = join(tmp.dir, 'hard')
    mkdirSync(dir)
    const path = join(dir, 'tokens.json')
    writeFileSync(path, GRANT, { mode: 0o600 })
    linkSync(path, join(dir, 'other.json'))
    const e = failure(() => TokenStore.open(path, { warn: () => {} }))
    expect((e as HarnessError).code).toBe('HARNESS_TOKEN_STORE_UNSAFE')
    expect((e as HarnessError).message).toContain('hard link')
  })

  it('a directory at the store path → HARNESS_TOKEN_STORE_UNSAFE at open, before a lock is taken (login refuses before the sign-in, not after it with EISDIR)', () => {
    const path = join(tmp.dir, 'isdir', 'tokens.json')
    mkdirSync(path, { recursive: true })
    const e = failure(() => TokenStore.open(path, { warn: () => {} }))
    expect((e as HarnessError).code).toBe('HARNESS_TOKEN_STORE_UNSAFE')
    expect((e as HarnessError).message).toContain('not a regular file (a directory)')
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  it('a plain store file with one link opens and loads', () => {
    const dir = join(tmp.dir, 'plain')
    mkdirSync(dir)
    const path = join(dir, 'tokens.json')
    writeFileSync(path, GRANT, { mode: 0o600 })
    const store = TokenStore.open(path, { warn: () => {} })
    try {
      expect(store.load().refreshToken).toBe('A'.repeat(64))
    } finally {
      store.release()
    }
  })
})

describe('token store directory permissions', () => {
  it('a store directory others can write → one warning line naming it (another user could remove lock generations); the store still opens', () => {
    const dir = join(tmp.dir, 'loose-store')
    mkdirSync(dir, { mode: 0o700 })
    chmodSync(dir, 0o777)
    const lines: string[] = []
    const store = TokenStore.open(join(dir, 'tokens.json'), { warn: (l) => lines.push(l) })
    store.release()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^warning: the token store's directory /)
    expect(lines[0]).toContain(dir)
    expect(lines[0]).toContain('group and others (mode 0777)')
    expect(lines[0]).toContain('remove lock generations')
    expect(lines[0]).not.toContain('\n')
  })

  it('a lock directory its group can write → one warning line naming the lock directory', () => {
    const dir = join(tmp.dir, 'loose-lock')
    mkdirSync(dir, { mode: 0o700 })
    const path = join(dir, 'tokens.json')
    mkdirSync(`${path}.lock`, { mode: 0o700 })
    chmodSync(`${path}.lock`, 0o770)
    const lines: string[] = []
    const store = TokenStore.open(path, { warn: (l) => lines.push(l) })
    store.release()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^warning: the lock directory /)
    expect(lines[0]).toContain(`${path}.lock`)
    expect(lines[0]).toContain('its group (mode 0770)')
  })

  it('a sticky shared directory (as /tmp) → the warning advises a directory of your own, never chmod 700 on the shared one', () => {
    const dir = join(tmp.dir, 'shared-sticky')
    mkdirSync(dir, { mode: 0o700 })
    chmodSync(dir, 0o1777)
    const lines: string[] = []
    const store = TokenStore.open(join(dir, 'tokens.json'), { warn: (l) => lines.push(l) })
    store.release()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('keep the store in a directory of your own')
    expect(lines[0]).not.toContain('chmod')
  })

  it('private directories (0700, ours) → no warning', () => {
    const lines: string[] = []
    const store = TokenStore.open(join(tmp.dir, 'private', 'tokens.json'), { warn: (l) => lines.push(l) })
    store.release()
    expect(lines).toEqual([])
  })
})

describe('a lock left by a process that is gone', () => {
  it('a held record naming a zombie (killed, not yet reaped: it still answers signal 0) is stale, so the lock is taken over', async () => {
    const { pid, dead } = await startZombie()
    await dead()
    const state = statField(pid, 0)
    expect(state).toBe('Z')
    const record = {
      state: 'held' as const,
      pid,
      host: hostname(),
      ...(BOOT_ID === undefined ? {} : { boot: BOOT_ID }),
      ...(PID_NAMESPACE === undefined ? {} : { pidns: PID_NAMESPACE }),
      at: new Date().toISOString(),
    }
    expect(isStale({ gen: 1, file: 'unused', record, mtimeMs: Date.now() })).toBe(true)
    // The same record naming a live process is not.
    expect(
      isStale({ gen: 1, file: 'unused', record: { ...record, pid: process.pid }, mtimeMs: Date.now() }),
    ).toBe(false)
  })
})

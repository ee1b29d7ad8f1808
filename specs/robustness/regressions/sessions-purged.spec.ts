import { describe, expect, it } from 'vitest'
import { SESSION_LIFETIME_MS } from '../../../mocks/connect/store.ts'
import { createMock } from '../../../mocks/create-mock.ts'

/**
 * Found by the 100k-token-operations run of `npm run bench` (issue 7): every cookie-less login
 * (`consent: 'auto'`, `x-mock-consent: accept`) created a session that was never dropped, so the
 * store grew by one session per authorize. Sessions now end 10 h after sign-in, used or not
 * (visma-connect-session-management), and are purged with codes and tokens.
 */
describe('sessions are purged after their lifetime', () => {
  it('every session is gone 10 h after sign-in, used or not, and the store does not grow', () => {
    const mock = createMock()
    const store = mock.store.connect
    const used = store.createSession('a', mock.clock.now())
    for (let i = 0; i < 1000; i++) store.createSession('b', mock.clock.now())
    expect(store.counts().sessions).toBe(1001)
    mock.clock.advance(SESSION_LIFETIME_MS / 2)
    expect(store.getSession(used.id)).toBeDefined()
    mock.clock.advance(SESSION_LIFETIME_MS / 2)
    expect(store.getSession(used.id)).toBeUndefined()
    store.purgeExpired(mock.clock.now())
    expect(store.counts().sessions).toBe(0)
  })
})

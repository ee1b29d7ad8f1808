import { describe, expect, it } from 'vitest'
import { SESSION_LIFETIME_MS } from '../../../mocks/connect/store.ts'
import { createMock } from '../../../mocks/create-mock.ts'

/**
 * Found by the 100k-token-operations run of `npm run bench` (issue 7): every cookie-less login
 * (`consent: 'auto'`, `x-mock-consent: accept`) created a session that was never dropped, so the
 * store grew by one session per authorize. Sessions now live 10 h sliding (Duende's cookie
 * default) and are purged with codes and tokens.
 */
describe('sessions are purged after their lifetime', () => {
  it('an unused session is gone after 10 h, a used one slides, and the store does not grow', () => {
    const mock = createMock()
    const store = mock.store.connect
    const kept = store.createSession('a', mock.clock.now())
    for (let i = 0; i < 1000; i++) store.createSession('b', mock.clock.now())
    expect(store.counts().sessions).toBe(1001)
    mock.clock.advance(SESSION_LIFETIME_MS / 2)
    expect(store.getSession(kept.id)).toBeDefined()
    mock.clock.advance(SESSION_LIFETIME_MS / 2)
    store.purgeExpired(mock.clock.now())
    expect(store.counts().sessions).toBe(1)
    expect(store.getSession(kept.id)).toBeDefined()
    mock.clock.advance(SESSION_LIFETIME_MS)
    expect(store.getSession(kept.id)).toBeUndefined()
  })
})

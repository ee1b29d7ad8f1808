import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GraderBrowser } from '../../scripts/grade/browser.ts'
import { runScenarios } from '../../scripts/grade/scenarios.ts'
import type { AppCall, Observations } from '../../scripts/grade/types.ts'
import { codeFlow } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * The grader makes an app refresh by ending its access tokens' lifetime, not by moving the mock
 * clock: an app keeps its own clock, and after a 3601 s move the id_tokens the mock issued were an
 * hour ahead of it (`nbf`), so an app on openid-client failed the refresh scenario through no fault
 * of its own. Here a stand-in for the app logs in through the mock and calls the Dinero API with
 * the token it got; the scenarios run against a frozen clock.
 */
let target: Target
beforeAll(async () => {
  target = await startTarget('in-process', { clock: { frozen: true } })
})
afterAll(() => target.close())

describe('grade scenarios: access tokens expire while the mock clock stays', () => {
  it('refresh and reconsent: the token from before the expiry → 401 from the Dinero API, and the mock clock has not moved', async () => {
    let token = ''
    const app = {
      async login() {
        token = (await codeFlow(target)).access_token
        return { callbackStatus: 200 }
      },
      async call(): Promise<AppCall> {
        const reply = await target.call('api', '/v1/organizations', {
          headers: { authorization: `Bearer ${token}` },
        })
        return { status: reply.status, ms: 0 }
      },
      async appState() {
        return undefined
      },
    } as unknown as GraderBrowser
    const obs: Observations = { mockOrigin: '', redirectUri: '', logins: [], errors: {} }
    const before = target.mock.clock.now()
    await runScenarios(
      target.mock,
      app,
      { concurrency: 3, retryAfterSeconds: 1, log: () => undefined, clientId: 'isv_conformance_test' },
      obs,
    )
    expect(obs.errors).toEqual({})
    expect(target.mock.clock.now()).toBe(before)
    expect(obs.refresh?.concurrent.calls.map((c) => c.status)).toEqual([401, 401, 401])
    expect(obs.refresh?.sequential.call.status).toBe(401)
    expect(obs.reconsent?.calls.map((c) => c.status)).toEqual([401, 401, 401])
  })
})

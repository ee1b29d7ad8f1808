import { request } from 'undici'
import { checkSchemas } from '../../collections/model/schemas.ts'
import type { Check } from '../../collections/model/types.ts'
import { type CheckResult, runCheck, type Send } from '../engine/run.ts'
import { type LiveConfig, liveVariables } from './config.ts'
import { neverSentCode, refreshStored } from './refresher.ts'
import type { SecretSet } from './secrets.ts'
import type { TokenStore } from './token-store.ts'

/**
 * Runner 1 against the live services: the `live-safe` checks through the vitest engine, with
 * the token store's write-ahead protocol around every refresh the checks make — the in-flight
 * record is saved before the token leaves the process, the rotated token the moment it
 * arrives, and a consumed token is never sent (a replay makes Visma revoke all access).
 */
export interface LiveRun {
  run(check: Check): Promise<CheckResult>
}

export class ReplayRefused extends Error {
  readonly code = 'HARNESS_REPLAY_BLOCKED'
}

export function liveSend(store: TokenStore, secrets: SecretSet): Send {
  return async (req) => {
    const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(req.body ?? '')
      : undefined
    const presented =
      form?.get('grant_type') === 'refresh_token' ? (form.get('refresh_token') ?? undefined) : undefined
    const ours = presented !== undefined && presented === store.grant.refreshToken
    if (presented !== undefined && store.isSpent(presented))
      throw new ReplayRefused('refusing to present a consumed refresh token')
    const inFlight = ours ? store.beginRefresh(presented) : undefined
    const res = await request(req.url, {
      method: req.method as 'GET',
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
    }).catch((e: unknown) => {
      // Nothing left the machine: a first presentation is undone and the token stays usable.
      if (inFlight?.attempts === 1 && neverSentCode(e) !== undefined) store.abandonRefresh()
      throw e
    })
    const text = await res.body.text()
    const headers = new Headers()
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.append(k, x)
      else if (v !== undefined) headers.set(k, v)
    }
    if (ours) {
      let body: Record<string, unknown> | undefined
      try {
        body = JSON.parse(text)
      } catch {}
      secrets.addTokenResponse(body)
      if (res.statusCode === 200 && typeof body?.access_token === 'string')
        store.completeRefresh(presented, body)
      else if (res.statusCode === 400 && body?.error === 'invalid_grant') store.rejectRefresh(presented)
      else if (res.statusCode < 500) store.abandonRefresh()
      // A 5xx leaves the in-flight record: the next start decides (grace retry or log in again).
    }
    return { status: res.statusCode, headers, text }
  }
}

export async function startLiveRun(
  config: LiveConfig,
  store: TokenStore,
  secrets: SecretSet,
): Promise<LiveRun> {
  await refreshStored(store, {
    connectUrl: config.connectUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    graceSeconds: config.refreshGraceSeconds,
    secrets,
  })
  const send = liveSend(store, secrets)
  const base = liveVariables(config, config.organizationId ?? store.grant.organizationId ?? '')
  return {
    run: (check) =>
      runCheck(
        check,
        { ...base, refreshToken: store.grant.refreshToken, accessToken: store.grant.accessToken ?? '' },
        send,
        checkSchemas,
        'live',
      ),
  }
}

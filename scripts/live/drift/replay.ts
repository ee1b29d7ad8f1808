import { getResponse } from 'msw'
import { CHAIN_VARIABLES, catalogue, mockSetup } from '../../../collections/catalogue/index.ts'
import { checkSchemas } from '../../../collections/model/schemas.ts'
import { mockVariables } from '../../../collections/model/variables.ts'
import { createMock } from '../../../mocks/create-mock.ts'
import type { DeviationId } from '../../../mocks/deviations.ts'
import { sendVia } from '../../engine/catalogue-runner.ts'
import { runCheck, runStep } from '../../engine/run.ts'
import { sharedSigningKey } from '../../targets/keys.ts'
import type { CallInit, Reply, Target } from '../../targets/targets.ts'
import type { RecordedStep } from './record.ts'
import { shapeOf } from './shape.ts'

/**
 * The mock's answer to the same requests: the recorded checks, in the order they ran, against a
 * fresh in-process mock (its handlers answer a `Request` directly, through msw's `getResponse`,
 * so no global fetch or socket is patched while a live run is in the same process). The mock
 * supplies what it can itself: its own clients, a grant obtained the way the catalogue's setup
 * obtains one (scripts/engine/catalogue-runner.ts), its seeded organisations, and the scopes a
 * recorded step asked with (record.ts Seed); a pooled check's prelude stands in for login's
 * pool. Every answer is shaped with the mock's own addresses as
 * placeholders, so a Location reads the same on both sides.
 */
export interface ReplayOptions {
  /** Deviations the replaying mock has switched on (specs use them to prove the comparison bites). */
  deviations?: readonly DeviationId[]
}

async function inProcessTarget(deviations: readonly DeviationId[]): Promise<Target> {
  const mock = createMock({ signingKey: await sharedSigningKey(), deviations })
  const connect = mock.options.connectOrigin
  const api = mock.options.apiOrigin
  const reply = (status: number, headers: Headers, text: string): Reply => ({
    status,
    headers,
    text,
    json: () => JSON.parse(text),
  })
  return {
    kind: 'in-process',
    mock,
    connect,
    api,
    async call(service, pathOrUrl, init: CallInit = {}) {
      const url = pathOrUrl.startsWith('http')
        ? pathOrUrl
        : `${service === 'connect' ? connect : api}${pathOrUrl}`
      const request = new Request(url, {
        method: init.method ?? 'GET',
        redirect: 'manual',
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
      })
      const res = await getResponse(mock.handlers, request)
      if (res === undefined)
        throw new Error(`the mock has no handler for ${request.method} ${new URL(url).pathname}`)
      return reply(res.status, res.headers, await res.text())
    },
    async close() {},
  }
}

/** The checks a recording names, once each, in the order they first ran. */
function checksOf(steps: readonly RecordedStep[]) {
  const ids = [...new Set(steps.map((s) => s.check))]
  return ids.flatMap((id) => catalogue.filter((c) => c.id === id))
}

export async function replayOnMock(
  recorded: readonly RecordedStep[],
  options: ReplayOptions = {},
): Promise<RecordedStep[]> {
  const target = await inProcessTarget(options.deviations ?? [])
  const base = mockVariables({ connect: target.connect, api: target.api, control: target.connect })
  const places = { connectUrl: base.connectUrl, apiUrl: base.apiUrl, redirectUri: base.redirectUri }
  const out: RecordedStep[] = []
  // One send per step (scripts/engine/run.ts runStep): the n-th send of a check is its n-th step.
  let current: { check: string; sent: number; names: string[] } | undefined
  const send = sendVia(target)
  const shaped: typeof send = async (request) => {
    const step = current && { check: current.check, index: ++current.sent }
    const answer = await send(request)
    if (step !== undefined)
      out.push({ ...step, step: current?.names[step.index - 1] ?? '', shape: shapeOf(answer, places) })
    return answer
  }
  // The grant, obtained the way the catalogue's setup obtains one (scripts/engine/catalogue-runner.ts).
  const vars: Record<string, string> = { ...base }
  for (const step of mockSetup) {
    const failures = await runStep(step, vars, send, checkSchemas)
    if (failures.length > 0)
      throw new Error(`the mock's setup failed: ${failures.map((f) => f.detail).join('; ')}`)
  }
  const chain: Record<string, string> = {}
  for (const name of CHAIN_VARIABLES) if (vars[name] !== undefined) chain[name] = vars[name]
  for (const check of checksOf(recorded)) {
    const scopes = recorded.find((r) => r.check === check.id && r.seed?.scopes !== undefined)?.seed?.scopes
    const seed = scopes === undefined ? {} : { scopes }
    current = {
      check: check.id,
      sent: 0,
      names: [...(check.mockPrelude ?? []), ...check.steps].map((s) => s.name),
    }
    const result = await runCheck(check, { ...base, ...seed, ...chain }, shaped, checkSchemas)
    for (const name of CHAIN_VARIABLES)
      if (result.variables[name] !== undefined) chain[name] = result.variables[name]
  }
  current = undefined
  return out
}

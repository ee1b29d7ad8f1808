import { CHAIN_VARIABLES, catalogue, mockSetup } from '../../collections/catalogue/index.ts'
import { checkSchemas } from '../../collections/model/schemas.ts'
import type { Check } from '../../collections/model/types.ts'
import { mockVariables } from '../../collections/model/variables.ts'
import type { Target } from '../targets/targets.ts'
import { type CheckResult, type HttpReply, type HttpRequest, runCheck, runStep, type Send } from './run.ts'

/**
 * Runs the catalogue against a mock target the way Newman runs the collection: setup first,
 * then every check in order, the grant's refresh chain carried from check to check.
 */
export function sendVia(target: Target): Send {
  return async (req) => {
    const reply = await target.call('connect', req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
    })
    return { status: reply.status, headers: reply.headers, text: reply.text }
  }
}

export interface CatalogueSession {
  run(check: Check): Promise<CheckResult>
}

export interface SessionOptions {
  /** Every request sent and its reply (undefined when none came), for reports that show them. */
  onSend?: (request: HttpRequest, reply: HttpReply | undefined, ms: number) => void
}

function observed(send: Send, onSend: SessionOptions['onSend']): Send {
  if (onSend === undefined) return send
  return async (request) => {
    const started = performance.now()
    try {
      const reply = await send(request)
      onSend(request, reply, performance.now() - started)
      return reply
    } catch (e) {
      onSend(request, undefined, performance.now() - started)
      throw e
    }
  }
}

export async function startCatalogueSession(
  target: Target,
  options: SessionOptions = {},
): Promise<CatalogueSession> {
  const send = observed(sendVia(target), options.onSend)
  const base: Record<string, string> = mockVariables({
    connect: target.connect,
    api: target.api,
    control: target.connect,
  })
  const setupVars = { ...base }
  for (const step of mockSetup) {
    const failures = await runStep(step, setupVars, send, checkSchemas)
    if (failures.length > 0) throw new Error(`catalogue setup failed: ${JSON.stringify(failures)}`)
  }
  for (const name of CHAIN_VARIABLES) if (setupVars[name] !== undefined) base[name] = setupVars[name]
  return {
    async run(check) {
      const result = await runCheck(check, base, send, checkSchemas)
      for (const name of CHAIN_VARIABLES)
        if (result.variables[name] !== undefined) base[name] = result.variables[name]
      return result
    },
  }
}

/** Verdicts of the whole catalogue, in order. */
export async function runCatalogue(
  target: Target,
  checks: readonly Check[] = catalogue,
): Promise<Map<string, CheckResult>> {
  const session = await startCatalogueSession(target)
  const results = new Map<string, CheckResult>()
  for (const check of checks) results.set(check.id, await session.run(check))
  return results
}

import { createHash } from 'node:crypto'
import { buildCollection } from '../../collections/build.ts'

/**
 * The collection-level prerequest (the grant guard) run outside Newman, with a stand-in `pm` over
 * one table of variables (environment and variables alike), for specs that try environments a
 * user would fill in against a live Connect without sending anything. `require('crypto-js')`
 * answers SHA-256 as crypto-js does (hex).
 */
export interface GuardRequest {
  /** `pm.info.requestName`: the item's name (the check id, ` · `, the step). */
  name: string
  /** Whether the form carries `refresh_token={{refreshToken}}`. */
  presentsRefreshToken: boolean
  /** What `pm.request.toJSON()` serialises to (the guard looks for `{{refreshToken}}`, `{{accessToken}}`). */
  json: Record<string, unknown>
}

export interface GuardOutcome {
  skipped: boolean
  failures: string[]
}

const events = (buildCollection() as { event: { listen: string; script: { exec: string[] } }[] }).event
const script = events.find((e) => e.listen === 'prerequest')!.script.exec.join('\n')

export function runGuard(variables: Record<string, string>, request: GuardRequest): GuardOutcome {
  const outcome: GuardOutcome = { skipped: false, failures: [] }
  const pm = {
    info: { requestName: request.name },
    request: {
      body: request.presentsRefreshToken
        ? {
            mode: 'urlencoded',
            urlencoded: { get: (k: string) => (k === 'refresh_token' ? '{{refreshToken}}' : undefined) },
          }
        : undefined,
      toJSON: () => request.json,
    },
    variables: {
      get: (k: string) => variables[k],
      replaceIn: (t: string) => t.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => variables[k] ?? ''),
    },
    environment: {
      get: (k: string) => variables[k],
      set: (k: string, v: string) => {
        variables[k] = v
      },
    },
    test: (_name: string, fn: () => void) => {
      try {
        fn()
      } catch (e) {
        outcome.failures.push((e as Error).message)
      }
    },
    execution: {
      skipRequest: () => {
        outcome.skipped = true
      },
    },
    sendRequest: () => {},
  }
  const require = () => ({
    SHA256: (t: string) => ({ toString: () => createHash('sha256').update(t).digest('hex') }),
  })
  new Function('pm', 'require', script)(pm, require)
  return outcome
}

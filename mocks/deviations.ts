/**
 * Deviations: switches that make the mock wrong in exactly one way each (DESIGN.md §1). They
 * exist to prove the conformance checks bite, and to let integrators rehearse against a
 * misbehaving provider. Off by default; a faithful mock has none on.
 */
export const DEVIATIONS = {
  'token.accept-json-body': 'the token endpoint accepts a JSON body as if it were a form',
  'token.ignore-redirect-mismatch':
    'the token endpoint ignores a redirect_uri that differs from the authorize one',
  'token.cacheable-response': 'token responses omit Cache-Control: no-store and Pragma: no-cache',
  'authorize.redirect-unregistered-uri': 'authorize sends errors and codes to an unregistered redirect_uri',
  'authorize.alter-state': 'authorize returns a state that differs from the one sent',
  'code.allow-reuse': 'an authorization code can be redeemed more than once',
  'refresh.no-rotation': 'one-time refresh tokens are not rotated: the same handle comes back',
  'refresh.accept-replay': 'a consumed one-time refresh token is accepted again',
  'pkce.not-enforced': 'code_verifier is not checked against the code_challenge',
  'dinero.ignore-fields': 'Dinero list endpoints ignore the fields parameter',
  'dinero.skip-pro-check': 'organisations without Pro are served like Pro ones',
  'dinero.ignore-scopes': 'Dinero endpoints do not check dineropublicapi:read / :write',
} as const

export type DeviationId = keyof typeof DEVIATIONS

export function isDeviationId(id: string): id is DeviationId {
  return Object.hasOwn(DEVIATIONS, id)
}

export interface Deviations {
  has(id: DeviationId): boolean
  enable(id: DeviationId): void
  disable(id: DeviationId): void
  set(ids: readonly DeviationId[]): void
  list(): DeviationId[]
}

export function createDeviations(initial: readonly DeviationId[] = []): Deviations {
  const on = new Set<DeviationId>(initial)
  return {
    has: (id) => on.has(id),
    enable: (id) => void on.add(id),
    disable: (id) => void on.delete(id),
    set(ids) {
      on.clear()
      for (const id of ids) on.add(id)
    },
    list: () => [...on],
  }
}

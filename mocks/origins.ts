import type { Service } from './routes.ts'

/**
 * Which origins one mock answers for, and as which services. In-process that is the Connect
 * origin (Connect and the control surface) and the API origin (Dinero), so a request to any
 * other host falls through msw untouched; the served adapter adds its loopback origin for all
 * three.
 */
export interface Origins {
  accepts(url: URL, service: Service): boolean
  add(origin: string, services?: readonly Service[]): void
}

export function createOrigins(connectOrigin: string, apiOrigin: string): Origins {
  const origins = new Map<string, Set<Service>>([
    [connectOrigin, new Set<Service>(['connect', 'control'])],
    [apiOrigin, new Set<Service>(['dinero'])],
  ])
  return {
    accepts: (url, service) => origins.get(url.origin)?.has(service) === true,
    add(origin, services = ['connect', 'dinero', 'control']) {
      const set = origins.get(origin) ?? new Set<Service>()
      for (const s of services) set.add(s)
      origins.set(origin, set)
    },
  }
}

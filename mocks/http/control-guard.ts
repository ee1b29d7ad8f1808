/**
 * Who may reach the control surface (`/__mock/*`) of the served mock, decided on one
 * normalised path so every spelling of `/__mock` meets the same guard:
 * - the path is normalised once, before routing and guarding (RFC 3986 §6.2.2: percent-encoded
 *   unreserved characters decoded, §5.2.4 dot segments removed; duplicate slashes collapsed);
 *   routing is case-insensitive, so the guard is too;
 * - the peer must be loopback (or whatever `controlPeers` allows);
 * - the `Host` must name loopback (localhost, 127.0.0.0/8, [::1]) with the served port, so a
 *   page whose own name was rebound to 127.0.0.1 (DNS rebinding) reaches nothing.
 * The Origin and content-type rules live with the control routes (control.ts), so they hold
 * in-process too.
 */

const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/** `%5F` → `_`, `%7e` → `~`; other escapes stay, in upper case (RFC 3986 §6.2.2.1–2). */
function decodeUnreserved(path: string): string {
  if (!path.includes('%')) return path
  return path.replace(/%[0-9a-fA-F]{2}/g, (triplet) => {
    const char = String.fromCharCode(Number.parseInt(triplet.slice(1), 16))
    return UNRESERVED.test(char) ? char : triplet.toUpperCase()
  })
}

/**
 * The path as routing and the guard see it: `/x/../%5F%5Fmock//journal` → `/__mock/journal`.
 * Repeated until stable, since decoding can expose a dot segment and removing one can bring two
 * slashes together. Case is kept (route parameters are case-sensitive); compare prefixes
 * case-insensitively.
 */
export function normalisePath(pathname: string): string {
  // Most paths are already normal; the loop below builds a URL per round.
  if (PLAIN_PATH.test(pathname)) return pathname
  let path = pathname
  for (let i = 0; i < 5; i++) {
    const collapsed = `/${decodeUnreserved(path)
      .replace(/\\/g, '/')
      .replace(/^\/+/, '')
      .replace(/\/{2,}/g, '/')}`
    // WHATWG URL parsing removes `.`/`..` segments, including their `%2e` spellings.
    const next = new URL(collapsed, 'http://normalise.invalid').pathname
    if (next === path) return next
    path = next
  }
  return path
}

/**
 * A path the loop would return unchanged: segments of unreserved and sub-delim characters only
 * (no `%` escape, backslash or character the URL parser encodes), none empty, none `.` or `..`.
 */
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[\w.~!$&'()*+,;=:@-]+)*\/?$/

export const isControlPath = (normalisedPath: string): boolean => /^\/__mock(?:\/|$)/i.test(normalisedPath)

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
}

/** A bind address or host name that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** `localhost:4010`, `127.0.0.1:4010`, `[::1]:4010` with the served port, and nothing else. */
export function isLoopbackHostHeader(host: string | undefined, port: number): boolean {
  if (host === undefined) return false
  const m = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::(\d{1,5}))?$/i.exec(host)
  // A Host without a port names port 80 (RFC 9110 §7.2, §4.2.1).
  return m !== null && Number(m[2] ?? 80) === port
}

export type ControlRefusal = {
  status: 403
  reason: 'non_loopback_peer' | 'foreign_host'
  description: string
}

export interface ControlRequestFacts {
  /** The normalised path (normalisePath). */
  path: string
  /** The TCP peer's address. */
  peer: string | undefined
  /** The `Host` header as sent. */
  host: string | undefined
  /** The port the mock serves on. */
  port: number
  /** Which peers may use the control surface; default loopback only. */
  controlPeers?: (address: string | undefined) => boolean
}

/** Why a request may not reach the control surface, or undefined when it may (or is not for it). */
export function controlRefusal(facts: ControlRequestFacts): ControlRefusal | undefined {
  if (!isControlPath(facts.path)) return undefined
  const trusted = facts.controlPeers ?? isLoopbackAddress
  if (!trusted(facts.peer))
    return {
      status: 403,
      reason: 'non_loopback_peer',
      description: 'the control surface answers loopback clients only',
    }
  if (!isLoopbackHostHeader(facts.host, facts.port))
    return {
      status: 403,
      reason: 'foreign_host',
      description: `the control surface answers only requests whose Host is localhost, 127.0.0.1 or [::1] with port ${facts.port} (a foreign Host is how a DNS-rebound page would reach it)`,
    }
  return undefined
}

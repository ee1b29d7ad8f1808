import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/**
 * A free loopback port for a process that has to be told its port before it starts (an app the
 * grader launches listens on its redirect URI's port; the mock's port is in the app's config).
 *
 * Why not `listen(0)`, read, close: the kernel hands out port-0 binds and the local ports of
 * outgoing connections from one ephemeral range (linux-ip-local-port-range, 32768–60999 by
 * default), so between closing the probe and the app's own bind any connection this machine
 * opens may take the port; in a busy test run one did (the app's bind failed and the grader's
 * probes met another server). A port outside that range is never handed out by the kernel, so
 * only another caller picking the same port can collide, and this process never picks one twice.
 */
const FALLBACK_RANGE: readonly [number, number] = [32768, 60999]
const SPAN = 12_000
const ATTEMPTS = 40
const FIRST_UNPRIVILEGED = 1024
const LAST_PORT = 65535

function ephemeralRange(): readonly [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number)
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high]
  } catch {
    // Not Linux, or /proc is not readable: assume the Linux default (also below the 49152–65535
    // that macOS and Windows use).
  }
  return FALLBACK_RANGE
}

/**
 * Where to pick from, given the kernel's ephemeral range: up to SPAN ports just below it (above
 * the privileged ports), else up to SPAN just above it; undefined when the range leaves no room
 * either side (then only `listen(0)` is left).
 */
export function portWindow(low: number, high: number): readonly [number, number] | undefined {
  if (low - 1 >= FIRST_UNPRIVILEGED) return [Math.max(FIRST_UNPRIVILEGED, low - SPAN), low - 1]
  if (high + 1 <= LAST_PORT) return [high + 1, Math.min(LAST_PORT, high + SPAN)]
  return undefined
}

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(undefined))
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : undefined))
    })
  })
}

/** Ports this process handed out already: two calls in a row never get the same one. */
const handedOut = new Set<number>()

export interface FreePortOptions {
  /** Where to pick from; default: portWindow() of this machine's ephemeral range. */
  window?: readonly [number, number]
}

/** A loopback port that was free a moment ago, outside the kernel's ephemeral range when it can be. */
export async function freePort(options: FreePortOptions = {}): Promise<number> {
  const window = options.window ?? portWindow(...ephemeralRange())
  if (window !== undefined) {
    const [from, to] = window
    for (let i = 0; i < ATTEMPTS; i++) {
      const candidate = from + Math.floor(Math.random() * (to - from + 1))
      if (handedOut.has(candidate)) continue
      const port = await tryListen(candidate)
      if (port === undefined) continue
      handedOut.add(port)
      return port
    }
  }
  const port = await tryListen(0)
  if (port === undefined) throw new Error('no free loopback port')
  return port
}

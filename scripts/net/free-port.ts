import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/**
 * A free loopback port for a process that has to be told its port before it starts (an app the
 * grader launches listens on its redirect URI's port; the mock's port is in the app's config).
 *
 * Why not `listen(0)`, read, close: the kernel hands out port 0 binds and the local ports of
 * outgoing connections from the same ephemeral range (Linux `net.ipv4.ip_local_port_range`,
 * 32768–60999 by default), so in the moment between closing the probe and the app's own bind,
 * any connection this machine opens may take the port; under a busy test run it did (the app's
 * bind failed and the grader's probes met another server). A port just below that range is never
 * handed out by the kernel, so only another caller choosing the same port at random can collide.
 */
const FALLBACK_RANGE: readonly [number, number] = [32768, 60999]
const SPAN = 12_000
const ATTEMPTS = 40

function ephemeralRange(): readonly [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number)
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return [low, high]
  } catch {
    // Not Linux, or /proc is not readable: assume the Linux default.
  }
  return FALLBACK_RANGE
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

/** A loopback port that was free a moment ago, chosen outside the kernel's ephemeral range when it can be. */
export async function freePort(): Promise<number> {
  const [low, high] = ephemeralRange()
  // Below the range when there is room for it, else above it; port 0 as the last resort.
  const [from, to] = low - SPAN >= 1024 ? [low - SPAN, low - 1] : [high + 1, Math.min(65535, high + SPAN)]
  for (let i = 0; i < ATTEMPTS && to >= from; i++) {
    const port = await tryListen(from + Math.floor(Math.random() * (to - from + 1)))
    if (port !== undefined) return port
  }
  const port = await tryListen(0)
  if (port === undefined) throw new Error('no free loopback port')
  return port
}

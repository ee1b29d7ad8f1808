import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { describe, expect, it } from 'vitest'
import { freePort, portWindow } from '../../scripts/net/free-port.ts'

/**
 * The port the grader gives an app it starts (and the specs give the apps and mocks they start)
 * must not be one the kernel can hand to another socket before the app binds it: a port taken
 * with `listen(0)` and closed again was, in a busy run, the local port of someone else's
 * connection or server by the time the app listened (specs/grade/running-app.spec.ts saw another
 * server's 404 for GET /login).
 */
const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range'

describe('where free ports are picked, for each kernel ephemeral range (linux-ip-local-port-range)', () => {
  it.each([
    ['the Linux default 32768–60999', 32768, 60999, [20768, 32767]],
    ['5000–65535: the room below, down to 1024', 5000, 65535, [1024, 4999]],
    ['1025–65535: the one port below', 1025, 65535, [1024, 1024]],
    ['1024–60000: no room below, so above', 1024, 60000, [60001, 65535]],
    ['40000–40010: the span below', 40000, 40010, [28000, 39999]],
  ] as const)('%s → %j', (_label, low, high, window) => {
    expect(portWindow(low, high)).toEqual(window)
  })

  it('1024–65535 leaves no room either side: no window (the last resort is listen(0))', () => {
    expect(portWindow(1024, 65535)).toBeUndefined()
  })
})

function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}
const close = (server: Server) => new Promise((r) => server.close(r))

describe('free ports on this machine', () => {
  it('20 ports in a row: all in the window for this kernel, and each can be bound', async () => {
    const [low, high] = existsSync(RANGE_FILE)
      ? readFileSync(RANGE_FILE, 'utf8').trim().split(/\s+/).map(Number)
      : [32768, 60999]
    const window = portWindow(low!, high!)
    for (let i = 0; i < 20; i++) {
      const port = await freePort()
      if (window !== undefined) {
        expect(port).toBeGreaterThanOrEqual(window[0])
        expect(port).toBeLessThanOrEqual(window[1])
      }
      await close(await hold(port))
    }
  })

  it('this process never hands out a port twice: 5 calls on a window of 5 ports give the 5, the 6th goes to the kernel', async () => {
    // Five ports neither the kernel hands out nor this worker's earlier freePort() calls can
    // have taken: those pick from the default window, below the ephemeral range (the first
    // test), so these sit just above it. A window inside the default one failed once in a
    // full run: another spec in the same worker had been handed one of its ports.
    const [, high] = existsSync(RANGE_FILE)
      ? readFileSync(RANGE_FILE, 'utf8').trim().split(/\s+/).map(Number)
      : [32768, 60999]
    const first = Math.min(high! + 1, 65531)
    const window = [first, first + 4] as const
    const five = [0, 1, 2, 3, 4].map((k) => first + k)
    const free = await Promise.all(five.map(async (p) => close(await hold(p))))
    expect(free).toHaveLength(5)
    const ports: number[] = []
    for (let i = 0; i < 5; i++) ports.push(await freePort({ window }))
    expect([...ports].sort()).toEqual(five)
    const sixth = await freePort({ window })
    expect(sixth < window[0] || sixth > window[1]).toBe(true)
  })
})

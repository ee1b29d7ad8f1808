import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/net/free-port.ts'

/**
 * The port the grader gives an app it starts (and the specs give the apps and mocks they start)
 * must not be one the kernel can hand to any other socket before the app binds it: a port taken
 * with `listen(0)` and closed again was, in a busy run, the local port of someone else's
 * connection or server by the time the app listened (specs/grade/running-app.spec.ts saw another
 * server's 404 for GET /login).
 */
const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
  .trim()
  .split(/\s+/)
  .map(Number)

function listen(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()))
  })
}

describe('free ports for processes told their port before they start', () => {
  it('20 ports in a row are all outside the kernel’s ephemeral range and can be bound', async () => {
    for (let i = 0; i < 20; i++) {
      const port = await freePort()
      expect(port < (low ?? 0) || port > (high ?? 65535), `port ${port} is in ${low}–${high}`).toBe(true)
      await expect(listen(port)).resolves.toBeUndefined()
    }
  })
})

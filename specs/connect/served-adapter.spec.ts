import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'
import { cliArgv } from '../support/cli-child.ts'

/** The node:http adapter: clear errors for bad requests, never a crash; graceful shutdown. */
describe('served adapter', () => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget('served')
  })
  afterAll(() => target.close())

  it('an unknown path is a 404 in JSON', async () => {
    const reply = await target.call('connect', '/nothing/here')
    expect(reply.status).toBe(404)
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/)
    expect(reply.json().error).toBe('not_found')
  })

  it('a body over 1 MiB is refused with 413 in JSON', async () => {
    const reply = await target.call('connect', '/connect/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=${'a'.repeat(1024 * 1024 + 10)}`,
    })
    expect(reply.status).toBe(413)
    expect(reply.json().error).toBe('invalid_request')
  })

  it('a wrong method on a known path is 405', async () => {
    expect(
      (await target.call('connect', '/.well-known/openid-configuration', { method: 'DELETE' })).status,
    ).toBe(405)
  })

  const raw = async (text: string): Promise<string> => {
    const socket = connect(Number(new URL(target.connect).port), '127.0.0.1')
    await once(socket, 'connect')
    socket.end(text)
    const chunks: Buffer[] = []
    for await (const chunk of socket) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('latin1')
  }

  it('an absolute-form request target naming another host is answered by the mock itself, never fetched: GET /connect/token → 400 invalid_request as on the path alone', async () => {
    // RFC 9112 §3.2.2: absolute-form is accepted (the mock is no proxy: the path is its own).
    const response = await raw(
      'GET http://example.com/connect/token HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
    )
    const direct = await target.call('connect', '/connect/token')
    expect(response).toMatch(/^HTTP\/1\.1 400/)
    expect(JSON.parse(response.split('\r\n\r\n')[1]!)).toEqual(direct.json())
  })

  it('a malformed request line gets 400 and the server keeps serving', async () => {
    const response = await raw('GARBAGE\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.1 400/)
    expect((await target.call('connect', '/.well-known/openid-configuration')).status).toBe(200)
  })

  it('a request for the mock under localhost sees localhost as issuer', async () => {
    const port = new URL(target.connect).port
    const reply = await target.call('connect', `http://localhost:${port}/.well-known/openid-configuration`)
    expect(reply.json().issuer).toBe(`http://localhost:${port}`)
  })
})

describe('npm run mock', () => {
  it('prints its origin, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [...cliArgv(), 'mock', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.setEncoding('utf8')
    const origin = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: string) => {
        out += d
        const m = /listening on (http:\/\/\S+)/.exec(out)
        if (m) resolve(m[1]!)
      })
      child.once('exit', () => reject(new Error(`exited early: ${out}`)))
    })
    const res = await fetch(`${origin}/.well-known/openid-configuration`)
    expect(res.status).toBe(200)
    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code).toBe(0)
  })

  it('refuses a port that is in use with a clear error and no stack trace', async () => {
    const served = await startTarget('served')
    const port = new URL(served.connect).port
    const child = spawn(process.execPath, [...cliArgv(), 'mock', '--port', port], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d
    })
    const [code] = await once(child, 'exit')
    await served.close()
    expect(code).toBe(2)
    expect(err).toContain('already in use')
    expect(err).not.toMatch(/\n\s+at /)
  })
})

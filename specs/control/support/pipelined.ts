import { connect, type Socket } from 'node:net'

/**
 * Many GET requests at a served mock for as little client CPU as possible, so a spec that loads
 * the mock with tens of thousands of requests measures the mock and not its HTTP client: raw
 * HTTP/1.1 over a few keep-alive sockets, `window` requests written at once per socket
 * (pipelined, RFC 9112 §9.3.2), each answer framed by its Content-Length. An answer without one
 * fails the run instead of hanging it.
 */
export interface PipelinedOptions {
  connections?: number
  /** Requests in flight per socket. */
  window?: number
}

export async function pipelinedGets(
  origin: string,
  pathFor: (i: number) => string,
  count: number,
  { connections = 4, window = 32 }: PipelinedOptions = {},
): Promise<Map<number, number>> {
  const { hostname, port, host } = new URL(origin)
  const statuses = new Map<number, number>()
  let next = 0
  const lane = async () => {
    const socket = connect(Number(port), hostname)
    socket.setNoDelay(true)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const answers = framer(socket)
    try {
      while (next < count) {
        const first = next
        const last = Math.min(count, first + window)
        next = last
        let batch = ''
        for (let i = first; i < last; i++) batch += `GET ${pathFor(i)} HTTP/1.1\r\nhost: ${host}\r\n\r\n`
        socket.write(batch)
        for (const status of await answers.take(last - first))
          statuses.set(status, (statuses.get(status) ?? 0) + 1)
      }
    } finally {
      socket.destroy()
    }
  }
  await Promise.all(Array.from({ length: connections }, lane))
  return statuses
}

/** Cuts a socket's bytes into answers; `take(n)` resolves with the next n status codes. */
function framer(socket: Socket) {
  let buffered: Buffer = Buffer.alloc(0)
  const ready: number[] = []
  let waiting: { n: number; resolve(s: number[]): void; reject(e: Error): void } | undefined
  let failed: Error | undefined
  const settle = () => {
    if (waiting === undefined) return
    if (ready.length >= waiting.n) {
      const { n, resolve } = waiting
      waiting = undefined
      resolve(ready.splice(0, n))
    } else if (failed) {
      waiting.reject(failed)
      waiting = undefined
    }
  }
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
    for (;;) {
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) break
      const head = buffered.subarray(0, end).toString('latin1')
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1]
      if (length === undefined) {
        failed = new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`)
        break
      }
      const total = end + 4 + Number(length)
      if (buffered.length < total) break
      ready.push(Number(head.slice(9, 12)))
      buffered = buffered.subarray(total)
    }
    settle()
  })
  const closed = (e?: Error) => {
    failed ??= e ?? new Error('the socket closed before every answer came')
    settle()
  }
  socket.on('error', closed)
  socket.on('close', () => closed())
  return {
    take(n: number): Promise<number[]> {
      return new Promise((resolve, reject) => {
        waiting = { n, resolve, reject }
        settle()
      })
    },
  }
}

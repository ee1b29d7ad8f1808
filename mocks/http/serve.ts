import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { getResponse } from 'msw'
import type { Mock } from '../create-mock.ts'
import { uploadBodyLimit } from '../dinero/files.ts'
import { unknownDineroRoute } from '../dinero/unknown-route.ts'
import { redactUrl } from '../redact.ts'
import { Answer, dispatchReply, type Reply, type Route, toRouteHandlers } from '../routes.ts'
import { controlRefusal, isLoopbackHost, normalisePath } from './control-guard.ts'
import { createRouteIndex, type Match } from './route-index.ts'
import { isForbiddenMethod, rawHeaders, servedRequest } from './served-request.ts'

/**
 * The served mock: the same msw handlers on a real TCP port, through a small node:http adapter.
 * Each request is matched to its candidate route(s) by method and path once
 * (route-index.ts, as the in-process msw handler does). By default the adapter then runs what
 * the msw resolver runs (routes.ts: skip a candidate whose service is not served at the origin,
 * else `dispatch`) directly, without msw's request clone, cookie parsing and abort bookkeeping
 * (issue 7), and without a Fetch `Request` unless the route needs one (served-request.ts, issue
 * 13); a route's `Answer` (routes.ts) is written to the socket as it is, with no Fetch `Response`
 * in between. `dispatch: 'msw'` runs the candidates' per-route handlers (routes.ts `toRouteHandlers`)
 * through msw's `getResponse` with a real `Request`; a spec holds the two equal.
 * Bad requests get clear errors in JSON: a URL that is not origin-form → 400, a body over the
 * limit → 413, no route → 404; nothing a client sends crashes the server.
 * The path is normalised once (control-guard.ts) and both the control-surface guard and routing
 * read that one path. The mock binds to loopback unless `allowNonLoopback` says otherwise.
 */
export interface ServeOptions {
  /** 0 picks a free port. Default 4010. */
  port?: number
  /** Default 127.0.0.1. Anything but a loopback address or name needs `allowNonLoopback`. */
  host?: string
  /**
   * Bind to a non-loopback address (`0.0.0.0`, a LAN address): the mock's endpoints, login
   * page and seeded credentials become reachable from other machines. The control surface
   * still answers loopback peers only.
   */
  allowNonLoopback?: boolean
  /** Which peer addresses may use `/__mock/*`; default: loopback only. */
  controlPeers?: (address: string | undefined) => boolean
  /** Largest request body accepted; default 1 MiB (a Dinero file upload may bring up to 6 MB). */
  maxBodyBytes?: number
  /** `direct` (default): run the matched route's resolver logic; `msw`: through msw's `getResponse`. */
  dispatch?: 'direct' | 'msw'
  /**
   * How long a client may take to send a request's headers before the mock answers 408 and
   * closes the connection (a client that stalls, or trickles a header a byte at a time); default
   * node's 60 000 ms, checked every tenth of it (node checks every 30 s: a stalled client could
   * hold its connection for 90 s).
   */
  headersTimeoutMs?: number
  /**
   * How long a client may take to send a whole request, body included, before the mock answers
   * 408 in the service's own shape and closes the connection; default 60 000 ms, never below
   * `headersTimeoutMs`. (node's own default, 300 s, held a stalled upload's connection for five
   * minutes.)
   */
  requestTimeoutMs?: number
}

export interface ServedMock {
  /** Where to reach the mock from this machine: `http://127.0.0.1:PORT` (or the loopback host asked for). */
  origin: string
  port: number
  /** The address actually bound, as the OS reports it: `http://0.0.0.0:4010`, `http://[::1]:4010`. */
  listening: string
  /** Set when bound beyond loopback: what has become reachable, for a CLI to print. */
  warning?: string
  server: Server
  close(): Promise<void>
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

function jsonError(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

class BodyTooLarge extends Error {}
/** A body that will never come whole: the connection broke in it, or it stalled (408). */
class BodyAbandoned extends Error {}

/**
 * One connection's requests in flight. RFC 9112 §9.3.2: a server answers pipelined requests in
 * the order they came. A refusal of what came after them (a parse error, a stalled request,
 * CONNECT) waits until every earlier answer has left: written at once, it reached the client as
 * the answer to its first request, and a refresh the mock had rotated was lost with its answer
 * (adversarial pass).
 */
interface Connection {
  /** Requests counted on it so far: a request's number is its place on the connection. */
  count: number
  /** Requests whose answers have not all left yet. */
  pending: number
  /**
   * The requests run one after another, each once the answer before it has left, as HTTP/1.1
   * servers do (Kestrel reads the next request only after answering one). Run side by side, a
   * refresh pipelined behind a request that a reset fault dropped was rotated and never answered
   * (adversarial pass): now nothing after a drop, a refusal or a close has run.
   */
  chain: Promise<void>
  /** The last request counted. */
  last?: IncomingMessage | undefined
  /** The target of the last request that ran: what a later parse error was about. */
  lastTarget?: string | undefined
  /** Set when the connection is refused, dropped or closing: requests numbered above it are not run. */
  cutoff?: number | undefined
  /** The request the refusal answers (its body broke or stalled): not run, or given up while read. */
  broken?: IncomingMessage | undefined
  /** The refusal to write once `pending` is 0. */
  refusal?: (() => void) | undefined
  /** The request whose body is being read, if any. */
  reading?: IncomingMessage | undefined
  /** Gives that request up: the refusal answers it. */
  abandon?: (() => void) | undefined
  /** Requests counted and not yet run: past `WAITING_HIGH` the socket is paused. */
  waiting: number
  paused?: boolean
  /** The number of the last request that began to run. */
  started: number
  /** Body bytes read ahead for requests that have not begun to run (`READ_AHEAD_BYTES` bounds it). */
  readAhead: number
}

/**
 * How many requests may wait on a connection before the adapter stops reading it, and how few
 * before it reads on. node pauses a pipelining client only once answers pile up unsent; requests
 * that wait their turn send nothing, and one client that pipelined without reading grew the
 * mock's heap by 676 MB (adversarial pass).
 */
const WAITING_HIGH = 32
const WAITING_LOW = 8
/**
 * How many body bytes a connection reads ahead for requests that wait their turn. Past it their
 * bodies wait unread (node's own backpressure): read ahead without a bound, two connections of
 * 32 pipelined 6 MB uploads held 768 MB (adversarial pass).
 */
const READ_AHEAD_BYTES = 8 * 1024 * 1024

/** node's HTTP parser of a server socket (lib/_http_server.js pauses and resumes it the same way). */
const parserOf = (socket: object) =>
  (socket as { parser?: { pause(): void; resume(): void } | null }).parser ?? undefined

/** Runs no request numbered above `n` on the connection. */
const stopAfter = (c: Connection, n: number) => {
  c.cutoff = Math.min(c.cutoff ?? n, n)
}

/** Dinero paths carry their version first (`/v1/…`, `/v1.2/…`); their errors are Dinero's shape. */
const isDineroPath = (path: string) => /^\/v\d/i.test(path)

/**
 * A request target in origin-form, and the authority of an absolute-form one. RFC 9112 §3.2.2: a
 * server must accept the absolute-form (`GET http://host/path`, as a client configured with a
 * proxy sends it); its authority stands in for Host. Every reader of a target (routing, the
 * early answers, the journal) goes through this: one journaled the raw target, userinfo
 * (`http://user:password@host/…`) and all (adversarial pass).
 */
function originForm(sent: string): { target: string; authority: string | undefined } {
  const absolute = /^http:\/\/([^/?#]*)/i.exec(sent)
  if (absolute === null) return { target: sent, authority: undefined }
  const rest = sent.slice(absolute[0].length)
  return { target: rest.startsWith('/') ? rest : `/${rest}`, authority: absolute[1] }
}

/** Whether a request carries a body (RFC 9112 §6.3): a Transfer-Encoding or a Content-Length over 0. */
const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0

// assumption: open-dinero-unlisted-responses (no body is published for a wrong method, an
// oversized body or a failure on the Dinero API); they are answered in its error shape
// `{code, message}` (45 Invalid request, 50 Error).
function dineroError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  jsonError(res, status, { code, message }, headers)
}

/** 413 for a body over `bodyLimit`, in the shape of the service `path` belongs to; the connection closes. */
function tooLarge(res: ServerResponse, path: string, bodyLimit: number): void {
  res.setHeader('connection', 'close')
  if (isDineroPath(path)) dineroError(res, 413, 45, `The request body is over ${bodyLimit} bytes`)
  else
    jsonError(res, 413, {
      error: 'invalid_request',
      error_description: `request body over ${bodyLimit} bytes`,
    })
}

/** A refusal before any route, in the shape of the service the path belongs to (Dinero's own words where given). */
function refusalBody(path: string, message: string, dineroMessage = message): Record<string, unknown> {
  return isDineroPath(path)
    ? { code: 45, message: dineroMessage }
    : { error: 'invalid_request', error_description: message }
}

/** The same, written on a socket node's HTTP layer handed over (a parse error, CONNECT). */
function rawRefusal(
  socket: Duplex,
  status: string,
  path: string,
  message: string,
  dineroMessage = message,
): void {
  const text = JSON.stringify(refusalBody(path, message, dineroMessage))
  endReadingOn(
    socket,
    `HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  )
}

/**
 * Ends a connection in stages (RFC 9112 §9.6): the last bytes out, then what the client still
 * sends read and dropped until it closes, or for a second. Destroyed at once with the client's
 * bytes unread, the kernel sends RST and the client throws away answers that had left before it
 * (a reset fault's drop, then a refusal's: adversarial passes); ended only, a client that kept its
 * half open held the socket, `close()` of the server and the mock CLI's exit.
 */
function endReadingOn(socket: Duplex, last?: string): void {
  if (last === undefined) socket.end()
  else socket.end(last)
  parserOf(socket)?.resume()
  socket.resume()
  socket.once('end', () => socket.destroy())
  setTimeout(() => socket.destroy(), 1_000).unref()
}

/** Binding beyond loopback without `allowNonLoopback`; `code` is for tests and CLIs. */
export class ServeError extends Error {
  readonly code = 'MOCK_NON_LOOPBACK_BIND'
  constructor(readonly host: string) {
    super(
      `refusing to bind the mock to ${host}, which is not a loopback address: other machines could reach its endpoints and seeded credentials; pass allowNonLoopback to do it anyway`,
    )
    this.name = 'ServeError'
  }
}

/** What binding beyond loopback exposes, in one paragraph. */
export function exposureWarning(listening: string): string {
  return `warning: the mock listens on ${listening}, beyond loopback: anyone who can reach this machine on that port can use its Connect and Dinero endpoints, its login and consent pages, and the seeded client secret and user password (they are public test values); the control surface /__mock/* still answers loopback clients only`
}

/** What a body read ahead of its request's turn has counted against the connection's budget. */
interface ReadAhead {
  running: boolean
  bytes: number
}

function readBody(
  req: IncomingMessage,
  limit: number,
  connection: Connection,
  ahead: ReadAhead = { running: true, bytes: 0 },
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      // Drained, not left unread: unread, the request never completed and got 408 for 413.
      req.resume()
      reject(new BodyTooLarge())
      return
    }
    connection.reading = req
    connection.abandon = () => reject(new BodyAbandoned())
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLarge())
        req.resume()
        return
      }
      chunks.push(chunk)
      if (!ahead.running) {
        ahead.bytes += chunk.length
        connection.readAhead += chunk.length
        if (connection.readAhead > READ_AHEAD_BYTES) req.pause()
      }
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  }).finally(() => {
    // Only if still this request's: with two requests in one write, the second's read began
    // before this one's ended, and clearing it lost the request the refusal had to answer
    // (the connection then hung for good: adversarial pass).
    if (connection.reading !== req) return
    connection.abandon = undefined
    connection.reading = undefined
  })
}

/** uri-host [":" port] (RFC 3986 §3.2.2): reg-name characters, or an IP literal in brackets; empty for HTTP/1.0. */
const HOST_VALUE = /^(?:[\w.~!$&'()*+,;=%-]*|\[[\w.:%-]+\])(?::\d*)?$/

function hostCount(raw: string[]): number {
  let n = 0
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') n++
  return n
}

function toHeaders(raw: string[]): Headers {
  const headers = new Headers()
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  return headers
}

/**
 * undici's per-response state, where a body made from a string or bytes keeps its source (Node
 * 20–22). Reading the source spares the web stream `arrayBuffer()` reads, about a third of the
 * served mock's time per small JSON answer (docs/BENCH.md); anything else is read as usual.
 */
const undiciState = Object.getOwnPropertySymbols(new Response('')).find((s) => s.description === 'state')

async function bodyBytes(response: Response): Promise<Buffer | string> {
  if (undiciState !== undefined && !response.bodyUsed) {
    const source = (response as unknown as Record<symbol, { body?: { source?: unknown } } | undefined>)[
      undiciState
    ]?.body?.source
    // Handed to the socket as text: node encodes it as UTF-8 on the write, with no Buffer copy first.
    if (typeof source === 'string') return source
    if (source instanceof Uint8Array) return Buffer.from(source.buffer, source.byteOffset, source.byteLength)
  }
  return Buffer.from(await response.arrayBuffer())
}

export async function serveMock(mock: Mock, options: ServeOptions = {}): Promise<ServedMock> {
  // `[::1]` as a URL writes it: bound without the brackets (with them, DNS was asked for a
  // name `[::1]` and the CLI failed with ENOTFOUND: adversarial pass).
  const host = (options.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1')
  if (!isLoopbackHost(host) && options.allowNonLoopback !== true) throw new ServeError(host)
  const limit = options.maxBodyBytes ?? 1024 * 1024
  const engine = options.dispatch ?? 'direct'
  const index = createRouteIndex(
    mock.routes,
    engine === 'msw' ? toRouteHandlers(mock.routes, mock.runtime) : [],
  )
  /** What the msw resolver does (routes.ts toHandlers), first candidate served at the origin wins. */
  const direct = async (
    candidates: Match<Route>[],
    request: Request,
    url: URL,
  ): Promise<Reply | undefined> => {
    for (const c of candidates) {
      if (!mock.runtime.accepts(url, c.route.service)) continue
      return dispatchReply(c.route, mock.runtime, request, url, c.params)
    }
    return undefined
  }
  let port = 0
  let canonical = ''
  const knownHosts = new Set<string>()

  const connections = new WeakMap<object, Connection>()
  const connectionOf = (socket: object): Connection => {
    let c = connections.get(socket)
    if (c === undefined) {
      const fresh: Connection = {
        count: 0,
        pending: 0,
        waiting: 0,
        started: 0,
        readAhead: 0,
        chain: Promise.resolve(),
      }
      c = fresh
      // Gone (the client reset or closed it whole): what waits its turn does not run. A refresh
      // that waited ran 400 ms after the client had reset the connection, and its rotation was
      // lost with it (adversarial pass).
      ;(socket as Duplex).once('close', () => stopAfter(fresh, fresh.started))
      connections.set(socket, c)
    }
    return c
  }
  const settle = (c: Connection) => {
    if (c.pending > 0 || c.refusal === undefined) return
    const refusal = c.refusal
    c.refusal = undefined
    refusal()
  }
  /** Refuses what follows the answers still due on this connection, once they have left. */
  const refuseAfterPending = (socket: Duplex, write: (broken: IncomingMessage | undefined) => void) => {
    const c = connectionOf(socket)
    // Refused, dropped or closing already: that answer is the last on the connection.
    if (c.cutoff !== undefined) return
    // A request whose body broke or stalled gets the refusal as its answer. One whose body the
    // parser had whole (`complete`) is answered first: the error is in what came after it.
    const last = c.last
    const broken = last !== undefined && hasBody(last) && !last.complete ? last : undefined
    stopAfter(c, c.count)
    c.broken = broken
    c.refusal = () => (socket.writable ? write(broken) : socket.destroy())
    if (broken !== undefined && c.reading === broken) c.abandon?.()
    settle(c)
  }

  /**
   * A refusal of the adapter's own (no route, wrong method, body too large, the control guard),
   * journaled as a route's answer is: a client calling a misspelt path or probing the control
   * surface left no trace in the journal the grader reads (adversarial pass).
   */
  const journalRefusal = (
    req: Pick<IncomingMessage, 'method' | 'headers'> | undefined,
    at: URL | string,
    status: number,
    error: string,
  ) => {
    let url: URL
    try {
      url = typeof at === 'string' ? new URL(at.startsWith('/') ? at : `/${at}`, canonical) : at
    } catch {
      url = new URL('/', canonical)
    }
    const path = url.pathname.toLowerCase()
    mock.journal.record({
      at: mock.runtime.clock.now(),
      service: path.startsWith('/__mock') ? 'control' : isDineroPath(path) ? 'dinero' : 'connect',
      method: req?.method ?? '',
      url: redactUrl(url),
      contentType: req?.headers['content-type'] ?? null,
      status,
      error,
      details: { refused_by: 'adapter' },
    })
  }
  /**
   * A request answered before its body was read: the connection closes after the answer unless
   * the body is all in, so the rest of it is not taken for a next request or timed out as one
   * (a 404 then a 408 for one request: adversarial pass).
   */
  const skipBody = (req: IncomingMessage, res: ServerResponse, n: number) => {
    req.resume()
    // A request without a body is whole though node sets `complete` only after this: closing
    // after a bodiless GET's 404 dropped the answers to requests pipelined behind it, a rotated
    // refresh among them (adversarial pass). After a close nothing more on it is run.
    if (hasBody(req) && !req.complete) {
      res.setHeader('connection', 'close')
      stopAfter(connectionOf(req.socket), n)
    }
  }

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    connection: Connection,
    /** This request's answer is no longer due: it was given up for the connection's refusal. */
    givenUp: () => void,
    /** Its number on the connection. */
    n: number,
    /** Its body, read from the moment it came (requestTimeoutMs counts the client's sending, not its wait). */
    early: Promise<Buffer> | undefined,
  ): Promise<void> => {
    const method = req.method ?? 'GET'
    // Absolute-form was refused as "not a path" (adversarial pass).
    const { target, authority } = originForm(req.url ?? '/')
    connection.lastTarget = target
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is answered 400 — here in the service's own
    // shape, where node's own check answered with an empty body. HTTP/1.0 needs none.
    if (req.headers.host === undefined && req.httpVersion === '1.1') {
      skipBody(req, res, n)
      journalRefusal(req, target, 400, 'missing_host')
      jsonError(res, 400, refusalBody(target, 'a request needs a Host header'))
      return
    }
    // RFC 9112 §3.2: more than one Host, or a Host that is no uri-host[:port] (RFC 3986 §3.2.2),
    // is 400 as well; node keeps the first of two, and a loopback Host followed by a foreign one
    // reached the control surface (adversarial pass).
    if (
      hostCount(req.rawHeaders) > 1 ||
      !HOST_VALUE.test(req.headers.host ?? '') ||
      (authority !== undefined && (authority === '' || !HOST_VALUE.test(authority)))
    ) {
      skipBody(req, res, n)
      journalRefusal(req, target, 400, 'invalid_host')
      jsonError(res, 400, refusalBody(target, 'a request needs exactly one valid Host header'))
      return
    }
    if (!target.startsWith('/')) {
      skipBody(req, res, n)
      journalRefusal(req, '/', 400, 'invalid_request_target')
      jsonError(res, 400, { error: 'invalid_request', error_description: 'request target must be a path' })
      return
    }
    const hostHeader = (authority ?? req.headers.host)?.toLowerCase()
    const origin = hostHeader !== undefined && knownHosts.has(hostHeader) ? `http://${hostHeader}` : canonical
    let url: URL
    try {
      url = new URL(origin + target)
    } catch {
      skipBody(req, res, n)
      journalRefusal(req, '/', 400, 'invalid_request_target')
      jsonError(res, 400, { error: 'invalid_request', error_description: 'malformed URL' })
      return
    }
    const path = normalisePath(url.pathname)
    if (path !== url.pathname) url.pathname = path
    // A live-like mock has no control surface to guard: /__mock/* is an unknown path there.
    const refusal = mock.options.liveLike
      ? undefined
      : controlRefusal({
          path: url.pathname,
          peer: req.socket.remoteAddress,
          host: authority ?? req.headers.host,
          port,
          ...(options.controlPeers ? { controlPeers: options.controlPeers } : {}),
        })
    if (refusal !== undefined) {
      skipBody(req, res, n)
      journalRefusal(req, url, refusal.status, refusal.reason)
      jsonError(res, refusal.status, {
        error: 'forbidden',
        reason: refusal.reason,
        error_description: refusal.description,
      })
      return
    }
    const candidates = index.match(method, url.pathname)
    if (candidates.length === 0) {
      skipBody(req, res, n)
      const known = index.pathKnown(url.pathname)
      journalRefusal(req, url, known ? 405 : 404, known ? 'method_not_allowed' : 'not_found')
      // RFC 9110 §15.5.6: a 405 names the methods the resource takes.
      const allow = known ? { allow: index.methodsAt(url.pathname).join(', ') } : {}
      if (known && isDineroPath(url.pathname))
        dineroError(res, 405, 45, `The requested resource does not support http method '${method}'.`, allow)
      else if (known) jsonError(res, 405, { error: 'method_not_allowed' }, allow)
      else if (isDineroPath(url.pathname)) {
        // An HTML 404, not a missing entity's code 40 (dinero/unknown-route.ts).
        const page = unknownDineroRoute(mock.deviations)
        const text = await page.text()
        res.writeHead(page.status, {
          'content-type': page.headers.get('content-type') ?? 'text/html',
          'content-length': Buffer.byteLength(text),
        })
        res.end(method === 'HEAD' ? undefined : text)
      } else jsonError(res, 404, { error: 'not_found', error_description: `no endpoint at ${url.pathname}` })
      return
    }
    let body: Buffer | undefined
    if (early !== undefined) {
      const bodyLimit = bodyLimitFor(req.url ?? '/')
      try {
        body = await early
      } catch (e) {
        if (e instanceof BodyAbandoned) {
          // Not answered here: the connection's refusal is this request's answer.
          givenUp()
          return
        }
        if (e instanceof BodyTooLarge) {
          journalRefusal(req, url, 413, 'body_too_large')
          // RFC 9112 §9.6: after a close nothing more on the connection is processed.
          stopAfter(connection, n)
          tooLarge(res, url.pathname, bodyLimit)
        } else {
          res.destroy()
        }
        return
      }
    }
    let request: Request
    try {
      if (isForbiddenMethod(method)) throw new TypeError(`'${method}' HTTP method is unsupported.`)
      request =
        engine === 'msw'
          ? new Request(url, {
              method,
              headers: toHeaders(req.rawHeaders),
              ...(body !== undefined && body.length > 0 ? { body: body as unknown as BodyInit } : {}),
            })
          : servedRequest(url, method, rawHeaders(req.rawHeaders), body)
    } catch {
      jsonError(res, 400, { error: 'invalid_request', error_description: 'malformed request' })
      return
    }
    const response =
      engine === 'msw'
        ? await getResponse(
            candidates.flatMap((c) => (c.handler === undefined ? [] : [c.handler])),
            request,
          )
        : await direct(candidates, request, url)
    if (response === undefined) {
      jsonError(res, 404, { error: 'not_found' })
      return
    }
    if (response instanceof Answer) {
      // What the `Response` the answer stands for would send (routes.ts Answer): its headers, a length, the text.
      // In the order `Headers` gives them (sorted by name), as the Response would have sent them.
      const headers: string[] = []
      for (const name of Object.keys(response.headers).sort()) headers.push(name, response.headers[name]!)
      if (response.status !== 204 && response.status !== 304)
        headers.push('content-length', String(Buffer.byteLength(response.text)))
      res.writeHead(response.status, headers as unknown as [string, string])
      res.end(method === 'HEAD' ? undefined : response.text)
      return
    }
    if (response.type === 'error') {
      // An injected connection reset (Response.error()): drop the socket without an answer. The
      // answers before it have left (requests run one after another), and nothing after it runs.
      // Ended in stages, not destroyed: a destroy with requests unread behind it sent RST, and the
      // client threw away answers that had left before it (330 of 1,000: adversarial pass).
      stopAfter(connection, n)
      endReadingOn(req.socket)
      givenUp()
      return
    }
    const headers: string[] = []
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie' && name !== 'content-length' && name !== 'transfer-encoding')
        headers.push(name, value)
    })
    for (const cookie of response.headers.getSetCookie()) headers.push('set-cookie', cookie)
    const payload = response.body === null ? undefined : await bodyBytes(response)
    // A known length spares chunked framing and lets header and body leave in one write.
    if (response.status !== 204 && response.status !== 304)
      headers.push(
        'content-length',
        String(typeof payload === 'string' ? Buffer.byteLength(payload) : (payload?.length ?? 0)),
      )
    res.writeHead(response.status, headers as unknown as [string, string])
    res.end(method === 'HEAD' ? undefined : payload)
  }

  const headersTimeout = options.headersTimeoutMs ?? 60_000
  // node wants whole milliseconds, and reads 0 as "no timeout": refused here in the option's own name.
  if (!Number.isSafeInteger(headersTimeout) || headersTimeout < 1)
    throw new RangeError(
      `headersTimeoutMs must be a whole number of milliseconds, at least 1 (got ${headersTimeout})`,
    )
  const requestTimeout = options.requestTimeoutMs ?? Math.max(60_000, headersTimeout)
  if (!Number.isSafeInteger(requestTimeout) || requestTimeout < headersTimeout)
    throw new RangeError(
      `requestTimeoutMs must be a whole number of milliseconds, at least headersTimeoutMs (${headersTimeout}) (got ${requestTimeout})`,
    )
  /** The largest body a request to `target` may bring: a Dinero file upload's, or `maxBodyBytes`. */
  const bodyLimitFor = (target: string) =>
    Math.max(limit, uploadBodyLimit(normalisePath(originForm(target).target.split('?')[0] ?? '/')) ?? 0)

  /**
   * Counts a request's answer as due on its connection until it has left. Undefined when the
   * connection is refused already (its refusal waits for the answers before it): what node still
   * parses there is neither answered nor counted. Counted, it held that refusal back for good.
   */
  const track = (
    req: IncomingMessage,
    res: ServerResponse,
  ): { connection: Connection; notDue: () => void; n: number; left: Promise<void> } | undefined => {
    const connection = connectionOf(req.socket)
    const n = ++connection.count
    if (connection.cutoff !== undefined && n > connection.cutoff) {
      req.resume()
      return undefined
    }
    connection.pending++
    connection.last = req
    let due = true
    const notDue = () => {
      if (!due) return
      due = false
      connection.pending--
      settle(connection)
    }
    // 'close': the answer has left (or the connection went); either way it is no longer due.
    const left = new Promise<void>((resolve) =>
      res.once('close', () => {
        notDue()
        resolve()
      }),
    )
    return { connection, notDue, n, left }
  }

  const server = createServer(
    {
      keepAliveTimeout: 5_000,
      requireHostHeader: false,
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.round(headersTimeout / 10))),
    },
    (req, res) => {
      const tracked = track(req, res)
      if (tracked === undefined) return
      const { connection, notDue, n, left } = tracked
      // An Upgrade the mock does not take: node stops reading the connection after this request
      // (the rest would be the new protocol's), so what was pipelined behind it waited for the
      // idle timeout unanswered. It is the last request (RFC 9110 §7.8).
      if (req.headers.upgrade !== undefined && /\bupgrade\b/i.test(req.headers.connection ?? '')) {
        res.setHeader('connection', 'close')
        stopAfter(connection, n)
      }
      // Read now, not when its turn comes: waiting unread, a body that had all been sent filled
      // node's buffers, the request never completed, and a 408 came for it (adversarial pass).
      // A GET or HEAD with a body: discarded as it comes, for the same reason.
      const ahead: ReadAhead = { running: false, bytes: 0 }
      const early =
        req.method === 'GET' || req.method === 'HEAD'
          ? void req.resume()
          : readBody(req, bodyLimitFor(req.url ?? '/'), connection, ahead)
      early?.catch(() => {})
      connection.waiting++
      if (connection.waiting > WAITING_HIGH && !connection.paused) {
        connection.paused = true
        // As node pauses a connection whose answers pile up (lib/_http_server.js): the socket, and
        // its parser after the parse under way (paused inside it, the parse ends in an error; the
        // parser alone, the next bytes did: HPE_PAUSED, adversarial pass).
        const socket = req.socket
        setImmediate(() => {
          socket.pause()
          parserOf(socket)?.pause()
        })
      }
      const run = async () => {
        connection.waiting--
        connection.started = n
        ahead.running = true
        connection.readAhead -= ahead.bytes
        ahead.bytes = 0
        // Its turn: a body paused for the read-ahead budget reads on.
        if (req.isPaused() && early !== undefined) req.resume()
        if (connection.waiting <= WAITING_LOW && connection.paused) {
          connection.paused = false
          const socket = req.socket
          setImmediate(() => {
            parserOf(socket)?.resume()
            socket.resume()
          })
        }
        if (req === connection.broken || (connection.cutoff !== undefined && n > connection.cutoff)) {
          req.resume()
          notDue()
          return
        }
        await handle(req, res, connection, notDue, n, early).catch(() =>
          // The service's own shape for an unexpected failure (as routes.ts answers inside a route).
          isDineroPath(req.url ?? '')
            ? dineroError(res, 500, 50, 'Error')
            : jsonError(res, 500, { error: 'server_error' }),
        )
        await left
      }
      connection.chain = connection.chain.then(run)
    },
  )
  // A client that half-closes (FIN after its last request, as `socket.end()` sends it) still gets
  // its answers, then the connection closes: node's default aborted what was in flight on the
  // FIN, after the route had run, and a rotated refresh never reached the client (adversarial
  // pass). `httpAllowHalfOpen` is node's own switch for this (lib/_http_server.js socketOnEnd).
  ;(server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy()
      return
    }
    // Refused by node's parser before any route: still an answer in the service's own shape.
    const [packetMethod, packetPath] = err.rawPacket?.toString('latin1', 0, 64).split(' ') ?? []
    refuseAfterPending(socket, (broken) => {
      // A request whose body was being read is the one refused: its own path decides the shape.
      const reading = broken?.url === undefined ? undefined : originForm(broken.url).target
      const path =
        reading ??
        (packetPath === undefined ? undefined : originForm(packetPath).target) ??
        connectionOf(socket).lastTarget ??
        ''
      const status =
        err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
      journalRefusal(
        broken ?? { method: /^[A-Z]{1,16}$/.test(packetMethod ?? '') ? packetMethod : '', headers: {} },
        status === 408 ? (reading ?? '/') : path,
        status,
        status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'malformed_request',
      )
      if (err.code === 'HPE_HEADER_OVERFLOW')
        rawRefusal(
          socket,
          '431 Request Header Fields Too Large',
          path,
          'request line and headers over the size limit',
          'The request headers are too large',
        )
      else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
        // A request whose headers stalled: its path never arrived whole, and the previous
        // request's on this connection is not its (a stalled token request after a Dinero one
        // got Dinero's shape): Connect's. One whose body stalled: its own.
        rawRefusal(socket, '408 Request Timeout', reading ?? '', 'the request did not arrive in time')
      else rawRefusal(socket, '400 Bad Request', path, 'malformed request', 'Bad request')
    })
  })
  // An `Expect` other than 100-continue (RFC 9110 §10.1.1: 417), and CONNECT, which the mock
  // does not tunnel (405): node answered the first with an empty body and closed the socket on
  // the second without a word.
  // Both early answers are counted like any answer: uncounted, a 408 for the body that never
  // came was written before them, a second answer to one request (adversarial pass).
  server.on('checkExpectation', (req, res) => {
    const tracked = track(req, res)
    if (tracked === undefined) return
    const { target } = originForm(req.url ?? '/')
    skipBody(req, res, tracked.n)
    journalRefusal(req, target, 417, 'expectation_failed')
    jsonError(res, 417, refusalBody(target, `Expect: ${String(req.headers.expect)} is not supported`))
  })
  // RFC 9110 §10.1.1: a server that will refuse the body answers with the final status instead
  // of inviting it. node sent `100 Continue` to a declared 3 MB token request, read the body,
  // then answered 413 (adversarial pass).
  server.on('checkContinue', (req, res) => {
    const declared = Number(req.headers['content-length'])
    const bodyLimit = bodyLimitFor(req.url ?? '/')
    if (Number.isFinite(declared) && declared > bodyLimit) {
      const tracked = track(req, res)
      if (tracked === undefined) return
      const { target } = originForm(req.url ?? '/')
      skipBody(req, res, tracked.n)
      journalRefusal(req, target, 413, 'body_too_large')
      tooLarge(res, normalisePath(target.split('?')[0] ?? '/'), bodyLimit)
      return
    }
    res.writeContinue()
    server.emit('request', req, res)
  })
  server.on('connect', (req, socket: Duplex) => {
    refuseAfterPending(socket, () => {
      journalRefusal(req, '/', 405, 'method_not_allowed')
      rawRefusal(socket, '405 Method Not Allowed', req.url ?? '', 'CONNECT is not supported')
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 4010, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = server.address() as AddressInfo
  port = bound.port
  const listening = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${port}`
  // An IPv4-mapped loopback (`::ffff:127.0.0.1`) is reached as the IPv4 address it maps: URLs
  // write it `[::ffff:7f00:1]`, which matched no origin the mock serves, and every path was 404.
  const mapped = /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(host)?.[1]
  const hostName = mapped ?? (host.includes(':') ? `[${host}]` : host)
  canonical = `http://${hostName === '0.0.0.0' || hostName === '[::]' ? '127.0.0.1' : hostName}:${port}`
  for (const name of new Set([...LOOPBACK_NAMES, hostName])) {
    knownHosts.add(`${name}:${port}`)
    mock.addOrigin(`http://${name}:${port}`)
  }

  return {
    origin: canonical,
    port,
    listening,
    ...(isLoopbackHost(bound.address) ? {} : { warning: exposureWarning(listening) }),
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

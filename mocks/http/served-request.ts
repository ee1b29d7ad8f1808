/**
 * The request a route sees on the served path, without building a Fetch `Request` for each one:
 * routes read `method`, `url` and `headers` on almost every request and the body on a few, and
 * the `Request` constructor (URL re-parse, header copy, an AbortSignal, a body stream) was about a
 * seventh of the served mock's time on `GET /v1/organizations` (docs/BENCH.md). `method`, `url`,
 * `headers` and the body as `text()`, `json()` or `arrayBuffer()` (read once, as Fetch allows) are
 * answered directly; anything else (`formData()`, `clone()`, `signal`, …) goes to a real
 * `Request` built on first use from the same parts, so a route reads exactly what it read before.
 * In-process, msw passes real `Request`s and none of this applies.
 *
 * Both stand-ins are classes whose prototype sits on `Request.prototype` (`Headers.prototype`),
 * with every other member forwarded to the real object: `instanceof` and
 * `Object.prototype.toString` see a `Request` (`Headers`). Per-request closures and a `Proxy`
 * (the previous shape) cost 2–3 % of a served `GET /v1/organizations`.
 */

/**
 * Defines on `proto` each member of `from` it lacks, forwarded to the real object `real(this)`
 * gives; so are the symbol-keyed slots of `sample` (undici's internal state), which undici reads
 * when it is handed the stand-in (`new Request(request)`, `new Headers(headers)`).
 */
function forwardRest(proto: object, from: object, sample: object, real: (self: never) => object): void {
  const forward = (name: PropertyKey, kind: 'get' | 'call') =>
    Object.defineProperty(
      proto,
      name,
      kind === 'get'
        ? {
            configurable: true,
            get(this: never) {
              const r = real(this)
              return Reflect.get(r, name, r) as unknown
            },
          }
        : {
            configurable: true,
            writable: true,
            value(this: never, ...args: unknown[]) {
              const r = real(this) as Record<PropertyKey, (...a: unknown[]) => unknown>
              return r[name]!(...args)
            },
          },
    )
  for (const slot of Object.getOwnPropertySymbols(sample)) forward(slot, 'get')
  for (const name of Reflect.ownKeys(from)) {
    if (name === 'constructor' || Object.hasOwn(proto, name)) continue
    const d = Object.getOwnPropertyDescriptor(from, name)!
    if (d.get !== undefined) forward(name, 'get')
    else if (typeof d.value === 'function') forward(name, 'call')
  }
}

/** RFC 9110 §5.1 field-name (a token), as `Headers#get` requires. */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** Fetch's HTTP whitespace, trimmed from both ends of a header value. */
const isHttpSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d

/**
 * The received headers (node's `rawHeaders`: name, value, name, value…) read as a Fetch `Headers`:
 * `get` and `has` scan them (a request has a handful), joining repeats as `Headers` does (", ",
 * "; " for Cookie); anything else goes to a real `Headers` built on first use.
 */
class RawHeaders {
  readonly #raw: readonly string[]
  #real: Headers | undefined

  constructor(raw: readonly string[]) {
    this.#raw = raw
  }

  static real(self: RawHeaders): Headers {
    if (self.#real === undefined) {
      const headers = new Headers()
      for (let i = 0; i + 1 < self.#raw.length; i += 2) headers.append(self.#raw[i]!, self.#raw[i + 1]!)
      self.#real = headers
    }
    return self.#real
  }

  get(name: string): string | null {
    if (this.#real !== undefined || !FIELD_NAME.test(name)) return RawHeaders.real(this).get(name)
    const raw = this.#raw
    const lower = name.toLowerCase()
    // undici joins repeated Cookie lines with "; " (a cookie-string, RFC 6265 §5.4), others with ", ".
    const separator = lower === 'cookie' ? '; ' : ', '
    let out: string | null = null
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const n = raw[i]!
      if (n.length !== lower.length || n.toLowerCase() !== lower) continue
      let v = raw[i + 1]!
      if (v.length > 0 && (isHttpSpace(v.charCodeAt(0)) || isHttpSpace(v.charCodeAt(v.length - 1))))
        v = v.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
      out = out === null ? v : `${out}${separator}${v}`
    }
    return out
  }

  has(name: string): boolean {
    return this.get(name) !== null
  }
}
Object.setPrototypeOf(RawHeaders.prototype, Headers.prototype)
forwardRest(RawHeaders.prototype, Headers.prototype, new Headers(), (self: RawHeaders) =>
  RawHeaders.real(self),
)

/** node's `rawHeaders` as a Fetch `Headers` for a route to read (see `RawHeaders`). */
export function rawHeaders(raw: readonly string[]): Headers {
  return new RawHeaders(raw) as unknown as Headers
}

/** The stand-in for a Fetch `Request` (see the top of this file). */
class ServedRequest {
  readonly #url: URL
  readonly #href: string
  readonly #method: string
  readonly #headers: Headers
  readonly #body: Buffer | undefined
  /** Whether the body was read here (text/json/arrayBuffer), as `bodyUsed` reports it. */
  #used = false
  #real: Request | undefined

  constructor(url: URL, method: string, headers: Headers, body: Buffer | undefined) {
    this.#url = url
    this.#href = url.href
    this.#method = method
    this.#headers = headers
    this.#body = body !== undefined && body.length > 0 ? body : undefined
  }

  static real(self: ServedRequest): Request {
    if (self.#real === undefined) {
      const body = self.#body
      self.#real = new Request(self.#url, {
        method: self.#method,
        headers: self.#headers,
        ...(body !== undefined ? { body: body as unknown as BodyInit } : {}),
      })
      // Read here already: the real one must refuse a second read as well.
      if (self.#used) void self.#real.arrayBuffer()
    }
    return self.#real
  }

  get method(): string {
    return this.#method
  }

  get url(): string {
    return this.#href
  }

  get headers(): Headers {
    return this.#headers
  }

  get bodyUsed(): boolean {
    return this.#used || this.#real?.bodyUsed === true
  }

  /** The body's bytes once, as Fetch's consume-body allows (a body of none reads as empty, again and again). */
  async #take(): Promise<Buffer> {
    const body = this.#body
    if (body === undefined) return Buffer.alloc(0)
    if (this.#used || this.#real?.bodyUsed === true)
      throw new TypeError('Body is unusable: Body has already been read')
    if (this.#real !== undefined) return Buffer.from(await this.#real.arrayBuffer())
    this.#used = true
    return body
  }

  // Fetch's text(): UTF-8 decode, a leading BOM dropped, malformed bytes as U+FFFD.
  async text(): Promise<string> {
    return utf8.decode(await this.#take())
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#take()
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  }
}
Object.setPrototypeOf(ServedRequest.prototype, Request.prototype)
forwardRest(
  ServedRequest.prototype,
  Request.prototype,
  new Request('http://127.0.0.1/'),
  (self: ServedRequest) => ServedRequest.real(self),
)

export function servedRequest(url: URL, method: string, headers: Headers, body: Buffer | undefined): Request {
  return new ServedRequest(url, method, headers, body) as unknown as Request
}

const utf8 = new TextDecoder()

/** Methods the Fetch `Request` constructor refuses (Fetch §forbidden method); they are a 400. */
export const isForbiddenMethod = (method: string): boolean => /^(?:CONNECT|TRACE|TRACK)$/i.test(method)

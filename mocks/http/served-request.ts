/**
 * The request a route sees on the served path, without building a Fetch `Request` for each one:
 * routes read `method`, `url` and `headers` on almost every request and the body on a few, and
 * the `Request` constructor (URL re-parse, header copy, an AbortSignal, a body stream) was about a
 * seventh of the served mock's time on `GET /v1/organizations` (docs/BENCH.md). `method`, `url`,
 * `headers` and the body as `text()`, `json()` or `arrayBuffer()` (read once, as Fetch allows) are
 * answered directly; anything else (`formData()`, `clone()`, `signal`, …) goes to a real
 * `Request` built on first use from the same parts, so a route reads exactly what it read before. In-process, msw passes real `Request`s and none of this applies.
 */
export function servedRequest(url: URL, method: string, headers: Headers, body: Buffer | undefined): Request {
  const hasBody = body !== undefined && body.length > 0
  /** Whether the body was read here (text/json/arrayBuffer), as `bodyUsed` reports it. */
  let used = false
  let real: Request | undefined
  const full = (): Request => {
    if (real === undefined) {
      real = new Request(url, { method, headers, ...(hasBody ? { body: body as unknown as BodyInit } : {}) })
      // Read here already: the real one must refuse a second read as well.
      if (used) void real.arrayBuffer()
    }
    return real
  }
  /** The body's bytes once, as Fetch's consume-body allows (a body of none reads as empty, again and again). */
  const take = async (): Promise<Buffer> => {
    if (!hasBody) return Buffer.alloc(0)
    if (used || real?.bodyUsed === true) throw new TypeError('Body is unusable: Body has already been read')
    if (real !== undefined) return Buffer.from(await real.arrayBuffer())
    used = true
    return body
  }
  // Fetch's text(): UTF-8 decode, a leading BOM dropped, malformed bytes as U+FFFD.
  const text = async () => utf8.decode(await take())
  const direct: Record<PropertyKey, unknown> = {
    method,
    url: url.href,
    headers,
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: async () => {
      const bytes = await take()
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    },
  }
  return new Proxy(direct, {
    get(target, name) {
      if (Object.hasOwn(target, name)) return target[name]
      if (name === 'bodyUsed') return used || real?.bodyUsed === true
      const r = full()
      const value = Reflect.get(r, name, r) as unknown
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(r) : value
    },
    has: (_target, name) => name in full(),
    // `instanceof Request` and Object.prototype.toString see a Request.
    getPrototypeOf: () => Request.prototype,
  }) as unknown as Request
}

const utf8 = new TextDecoder()

/** Methods the Fetch `Request` constructor refuses (Fetch §forbidden method); they are a 400. */
export const isForbiddenMethod = (method: string): boolean => /^(?:CONNECT|TRACE|TRACK)$/i.test(method)

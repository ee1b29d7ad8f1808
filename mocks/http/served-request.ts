/**
 * The request a route sees on the served path, without building a Fetch `Request` for each one:
 * routes read `method`, `url` and `headers` on almost every request and the body on a few, and
 * the `Request` constructor (URL re-parse, header copy, an AbortSignal, a body stream) was about a
 * seventh of the served mock's time on `GET /v1/organizations` (docs/BENCH.md). `method`, `url`
 * and `headers` are answered directly; anything else (`text()`, `formData()`, `clone()`,
 * `signal`, …) goes to a real `Request` built on first use from the same parts, so a route reads
 * exactly what it read before. In-process, msw passes real `Request`s and none of this applies.
 */
export function servedRequest(url: URL, method: string, headers: Headers, body: Buffer | undefined): Request {
  let real: Request | undefined
  const full = (): Request => {
    real ??= new Request(url, {
      method,
      headers,
      ...(body !== undefined && body.length > 0 ? { body: body as unknown as BodyInit } : {}),
    })
    return real
  }
  const href = url.href
  const direct: Record<PropertyKey, unknown> = { method, url: href, headers }
  return new Proxy(direct, {
    get(target, name) {
      if (name === 'method' || name === 'url' || name === 'headers') return target[name]
      const r = full()
      const value = Reflect.get(r, name, r) as unknown
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(r) : value
    },
    has: (_target, name) => name in full(),
    // `instanceof Request` and Object.prototype.toString see a Request.
    getPrototypeOf: () => Request.prototype,
  }) as unknown as Request
}

/** Methods the Fetch `Request` constructor refuses (Fetch §forbidden method); they are a 400. */
export const isForbiddenMethod = (method: string): boolean => /^(?:CONNECT|TRACE|TRACK)$/i.test(method)

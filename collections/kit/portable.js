/*
 * The assertion and capture vocabulary of the conformance checks, written once in plain
 * JavaScript with no imports and no platform APIs beyond atob. The vitest runner runs all of it
 * (loaded by portable.ts). The collection builder turns the simple assertions into plain
 * `pm.expect` code and embeds from here, verbatim and one named function at a time, only the
 * parsers a request calls (decodeComponent, parseQuery, locationParams, htmlDecode,
 * formPostField, jwtPart): keep each a top-level `function name(…) {` of this closure, closed by
 * `}` at the same indentation. The bite proofs (specs/checks/bite-*.spec.ts) hold both runners
 * to the same verdicts; JSON Schema is checked by each runner with its own validator (zod /
 * Postman's jsonSchema) from the same zod definition.
 *
 * reply: { status: number, header: (name) => string | null, text: string }
 * vars:  { [name]: string }
 * Returns undefined when an assertion holds, else a short description of what was seen.
 */
// biome-ignore lint/correctness/noUnusedVariables: called by name by portable.ts and the generated Postman scripts
function conformanceKit(atobFn) {
  function expand(template, vars) {
    return String(template).replace(/\{\{([A-Za-z0-9_$.-]+)\}\}/g, (whole, name) =>
      Object.hasOwn(vars, name) && vars[name] !== undefined ? vars[name] : whole,
    )
  }
  function expandDeep(value, vars) {
    if (typeof value === 'string') return expand(value, vars)
    if (Array.isArray(value)) return value.map((v) => expandDeep(v, vars))
    if (value !== null && typeof value === 'object') {
      const out = {}
      for (const k of Object.keys(value)) out[k] = expandDeep(value[k], vars)
      return out
    }
    return value
  }
  function parseJson(text) {
    try {
      return JSON.parse(text)
    } catch (_e) {
      return undefined
    }
  }
  function path(value, p) {
    if (p === '') return value
    let cur = value
    for (const part of p.split('.')) {
      if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined
      cur = cur[part]
    }
    return cur
  }
  function decodeComponent(s) {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '))
    } catch (_e) {
      return s
    }
  }
  function parseQuery(q) {
    const out = {}
    if (!q) return out
    for (const pair of q.split('&')) {
      if (pair === '') continue
      const i = pair.indexOf('=')
      const k = decodeComponent(i < 0 ? pair : pair.slice(0, i))
      if (!Object.hasOwn(out, k)) out[k] = decodeComponent(i < 0 ? '' : pair.slice(i + 1))
    }
    return out
  }
  function locationParams(reply) {
    const location = reply.header('location')
    if (location === null || location === undefined) return undefined
    const hash = location.indexOf('#')
    if (hash >= 0) return parseQuery(location.slice(hash + 1))
    const q = location.indexOf('?')
    return q >= 0 ? parseQuery(location.slice(q + 1)) : {}
  }
  function htmlDecode(v) {
    return v
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  }
  function formPostField(reply, name) {
    const re = /<input type='hidden' name='([^']*)' value='([^']*)' \/>/g
    let m = re.exec(reply.text)
    while (m !== null) {
      if (htmlDecode(m[1]) === name) return htmlDecode(m[2])
      m = re.exec(reply.text)
    }
    return undefined
  }
  function jwtPart(token, part) {
    if (typeof token !== 'string') return undefined
    const seg = token.split('.')[part]
    if (seg === undefined) return undefined
    try {
      let b64 = seg.replace(/-/g, '+').replace(/_/g, '/')
      while (b64.length % 4 !== 0) b64 += '='
      const binary = atobFn(b64)
      let escaped = ''
      for (let i = 0; i < binary.length; i++)
        escaped += `%${`00${binary.charCodeAt(i).toString(16)}`.slice(-2)}`
      return JSON.parse(decodeURIComponent(escaped))
    } catch (_e) {
      return undefined
    }
  }
  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b)
  }
  function show(v) {
    const s = JSON.stringify(v)
    return s === undefined ? 'undefined' : s.length > 160 ? `${s.slice(0, 160)}…` : s
  }

  function evaluate(a, reply, vars) {
    const body = () => parseJson(reply.text)
    switch (a.kind) {
      case 'status':
        return reply.status === a.equals ? undefined : `status ${reply.status}`
      case 'status-in':
        return a.values.indexOf(reply.status) >= 0 ? undefined : `status ${reply.status}`
      case 'header': {
        const v = reply.header(a.name)
        return v === expand(a.equals, vars) ? undefined : `${a.name}: ${v}`
      }
      case 'header-matches': {
        const v = reply.header(a.name)
        return v !== null && v !== undefined && new RegExp(a.pattern).test(v) ? undefined : `${a.name}: ${v}`
      }
      case 'header-absent': {
        const v = reply.header(a.name)
        return v === null || v === undefined ? undefined : `${a.name}: ${v}`
      }
      case 'body-equals':
        return reply.text === expand(a.text, vars) ? undefined : `body ${reply.text.slice(0, 200)}`
      case 'json-equals':
        return same(body(), expandDeep(a.value, vars)) ? undefined : `body ${reply.text.slice(0, 200)}`
      case 'json-path-equals': {
        const v = path(body(), a.path)
        return same(v, expandDeep(a.value, vars)) ? undefined : `${a.path} = ${show(v)}`
      }
      case 'json-path-matches': {
        const v = path(body(), a.path)
        return typeof v === 'string' && new RegExp(a.pattern).test(v) ? undefined : `${a.path} = ${show(v)}`
      }
      case 'json-path-not-equals-var': {
        const v = path(body(), a.path)
        return typeof v === 'string' && v !== vars[a.variable] ? undefined : `${a.path} unchanged or missing`
      }
      case 'json-path-absent':
        return path(body(), a.path) === undefined ? undefined : `${a.path} present`
      case 'json-keys': {
        const v = path(body(), a.path)
        const keys = v !== null && typeof v === 'object' ? Object.keys(v) : undefined
        return keys !== undefined && same(keys.slice().sort(), a.keys.slice().sort())
          ? undefined
          : `keys ${keys === undefined ? 'none' : keys.join(',')}`
      }
      case 'json-array-length-between': {
        const v = path(body(), a.path)
        return Array.isArray(v) && v.length >= a.min && v.length <= a.max
          ? undefined
          : `length ${Array.isArray(v) ? v.length : 'not an array'}`
      }
      case 'location-origin-path': {
        const location = reply.header('location')
        if (location === null || location === undefined) return 'no Location header'
        const cut = location.search(/[?#]/)
        const base = cut >= 0 ? location.slice(0, cut) : location
        return base === expand(a.equals, vars) ? undefined : `Location ${base}`
      }
      case 'location-param': {
        const p = locationParams(reply)
        const v = p ? p[a.name] : undefined
        return v === expand(a.equals, vars) ? undefined : `${a.name}=${v}`
      }
      case 'location-param-absent': {
        const p = locationParams(reply)
        return p !== undefined && !Object.hasOwn(p, a.name) ? undefined : `${a.name} present or no Location`
      }
      case 'location-param-matches': {
        const p = locationParams(reply)
        const v = p ? p[a.name] : undefined
        return typeof v === 'string' && new RegExp(a.pattern).test(v) ? undefined : `${a.name}=${v}`
      }
      case 'form-post-field': {
        const v = formPostField(reply, a.name)
        return v === expand(a.equals, vars) ? undefined : `${a.name}=${v}`
      }
      case 'form-post-field-matches': {
        const v = formPostField(reply, a.name)
        return typeof v === 'string' && new RegExp(a.pattern).test(v) ? undefined : `${a.name}=${v}`
      }
      case 'body-contains':
        return reply.text.indexOf(expand(a.text, vars)) >= 0 ? undefined : 'text not found'
      case 'jwt-header': {
        const h = jwtPart(path(body(), a.path), 0)
        const v = h ? h[a.name] : undefined
        return v === expand(a.equals, vars) ? undefined : `${a.name} = ${show(v)}`
      }
      case 'jwt-claim': {
        const p = jwtPart(path(body(), a.path), 1)
        const v = p ? p[a.name] : undefined
        return same(v, expandDeep(a.equals, vars)) ? undefined : `${a.name} = ${show(v)}`
      }
      case 'jwt-claim-var': {
        const p = jwtPart(path(body(), a.path), 1)
        const v = p ? p[a.name] : undefined
        return v === vars[a.variable] ? undefined : `${a.name} = ${show(v)}`
      }
      default:
        return `unknown assertion ${a.kind}`
    }
  }

  function capture(c, reply) {
    let v
    if (c.from === 'json') v = path(parseJson(reply.text), c.path)
    else if (c.from === 'location-param') {
      const p = locationParams(reply)
      v = p ? p[c.name] : undefined
    } else if (c.from === 'location') {
      const location = reply.header('location')
      if (location) v = location.replace(/^[a-z]+:\/\/[^/]+/i, '')
    } else if (c.from === 'form-post') v = formPostField(reply, c.name)
    else if (c.from === 'header') v = reply.header(c.name)
    else if (c.from === 'jwt-header') {
      const h = jwtPart(path(parseJson(reply.text), c.path), 0)
      v = h ? h[c.name] : undefined
    }
    if (v === undefined || v === null) return undefined
    return typeof v === 'string' ? v : JSON.stringify(v)
  }

  return { expand, evaluate, capture }
}

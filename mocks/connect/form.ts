import { invalidRequest } from './errors.ts'

/**
 * Reading `application/x-www-form-urlencoded` requests the way IdentityServer does
 * (duende-token-endpoint, is4-form-content-type): the media type must match case-insensitively, parameters
 * such as
 * `; charset=utf-8` are allowed, and anything else is not a form.
 */
export function isFormContentType(contentType: string | null): boolean {
  if (contentType === null) return false
  const media = contentType.split(';', 1)[0]?.trim().toLowerCase()
  return media === 'application/x-www-form-urlencoded'
}

export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false
  const media = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? ''
  return media === 'application/json' || media.endsWith('+json')
}

/** A parsed parameter set that knows which names arrived more than once. */
export interface Params {
  get(name: string): string | undefined
  readonly duplicates: string[]
  entries(): [string, string][]
}

export function toParams(source: URLSearchParams | Iterable<[string, string]>): Params {
  const map = new Map<string, string>()
  const duplicates = new Set<string>()
  const list: [string, string][] = []
  for (const [k, v] of source) {
    list.push([k, v])
    if (map.has(k)) duplicates.add(k)
    else map.set(k, v)
  }
  return {
    get: (name) => map.get(name),
    duplicates: [...duplicates],
    entries: () => list,
  }
}

export async function readForm(request: Request): Promise<Params> {
  const text = await request.text()
  return toParams(new URLSearchParams(text))
}

/** A JSON object of scalars read as parameters; only reachable with the `token.accept-json-body` deviation. */
export async function readJsonAsParams(request: Request): Promise<Params> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await request.text())
  } catch {
    throw invalidRequest()
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidRequest()
  // Scalars become their text; objects, arrays and null are dropped.
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
  return toParams(
    Object.entries(parsed)
      .filter(([, v]) => scalar(v))
      .map(([k, v]): [string, string] => [k, String(v)]),
  )
}

/** Multipart fields read as parameters; only reachable with the `token.accept-multipart` deviation. */
export async function readMultipartAsParams(request: Request): Promise<Params> {
  let data: FormData
  try {
    data = await request.formData()
  } catch {
    throw invalidRequest()
  }
  // Text fields only: a file part is not a parameter.
  return toParams([...data].filter((e): e is [string, string] => typeof e[1] === 'string'))
}

/**
 * RFC 6749 §3.1/§3.2: "Request and response parameters MUST NOT be included more than once."
 * assumption: open-visma-endpoint-details (how Visma answers a repeated parameter); the RFC's
 * invalid_request is used for the protocol parameters named here.
 */
export function rejectDuplicates(params: Params, names: readonly string[]): void {
  const repeated = params.duplicates.filter((d) => names.includes(d))
  if (repeated.length > 0) throw invalidRequest(`Parameter included more than once: ${repeated.join(', ')}`)
}

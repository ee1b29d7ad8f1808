import type { z } from 'zod'
import { Answer } from '../routes.ts'
import { TimestampObject } from './contract/index.ts'
import { CODES, DineroError, invalidFormat, validationError } from './errors.ts'

/**
 * Request and response bodies of the Dinero API (dinero-openapi, dinero-api-errors):
 * - responses are `application/json; charset=utf-8`; a draft's `Number` is long.MaxValue, written
 *   digit for digit (JSON numbers in JS would round it);
 * - a body that is not JSON → 400 code 44 (Invalid format);
 * - a body that fails the request model (wrong types, missing required, unknown properties: every
 *   request model is `additionalProperties: false`) → 400 code 42 with `validationErrors`
 *   `{propertyPath: message}`. Validation runs before anything is stored.
 */

/** .NET long.MaxValue, the `Number` of a draft voucher (apaq-dinero-fixtures); as a JS number it is 2^63. */
const LONG_MAX_TEXT = '9223372036854775807'
export const LONG_MAX = Number(LONG_MAX_TEXT)

/** long.MaxValue as JSON.stringify writes 2^63, as a member's value (`"Number":…`). */
const LONG_MAX_AS_JS = /:9223372036854776000(?=[,}\]])/g

/**
 * The JSON text of a Dinero body, long.MaxValue written digit for digit. Only a member's value is
 * rewritten, never text inside a string: a Name or Description holding ":9223372036854776000,"
 * came back changed.
 */
export function dineroText(body: unknown): string {
  const text = JSON.stringify(body)
  if (!text.includes('9223372036854776000')) return text
  let out = ''
  let copied = 0
  let scanned = 0
  let inString = false
  for (const m of text.matchAll(LONG_MAX_AS_JS)) {
    for (let i = scanned; i < m.index; i++) {
      const c = text.charCodeAt(i)
      if (c === 0x5c && inString) i++
      else if (c === 0x22) inString = !inString
    }
    scanned = m.index
    if (inString) continue
    out += `${text.slice(copied, m.index)}:${LONG_MAX_TEXT}`
    copied = m.index + m[0].length
  }
  return out + text.slice(copied)
}

const DINERO_JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const

/**
 * A Dinero JSON answer from text already made by `dineroText` (or joined from its pieces), as an
 * `Answer` the served adapter writes without building a Fetch `Response` (routes.ts).
 */
export const dineroJsonText = (text: string, status = 200): Answer =>
  new Answer(status, DINERO_JSON_HEADERS, text)

export const dineroJson = (body: unknown, status = 200): Response =>
  new Response(dineroText(body), { status, headers: DINERO_JSON_HEADERS })

/** 200 with no body, as the spec's "200 OK" operations (update contact, delete, …). */
export const emptyOk = () => new Response(null, { status: 200 })

// assumption: open-dinero-unlisted-responses (no rule on the request content type is published); like most
// clients expect,
// the body is read as JSON whatever the header says.
/** The parsed JSON body, or undefined when there is none. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text()
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw invalidFormat('The request body is not valid JSON')
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else out += out === '' ? String(p) : `.${String(p)}`
  }
  return out
}

/**
 * A `validationErrors` map: null-prototype, so a property named `constructor`, `toString` or
 * `__proto__` is a key like any other (on a plain object `??=` would find the inherited member
 * and drop the message). JSON.stringify writes its own keys, `__proto__` included.
 */
export function errorMap(): Record<string, string> {
  return Object.create(null) as Record<string, string>
}

/** What the body holds at `path` (undefined when a step is missing). */
function valueAt(body: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let at: unknown = body
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key))
      return { present: false, value: undefined }
    at = (at as Record<PropertyKey, unknown>)[key]
  }
  return { present: true, value: at }
}

const jsonType = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'object'
        ? 'object'
        : typeof value

/**
 * Zod issues as Dinero `validationErrors`: one message per property path. A property that is
 * absent is "required"; one that is present with the wrong type names the type it should have
 * (ASP.NET model binding says the value could not be converted, not that it is missing).
 */
export function validationErrors(
  issues: readonly z.core.$ZodIssue[],
  model: string,
  body?: unknown,
): Record<string, string> {
  const errors = errorMap()
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const at = pathOf([...issue.path, key])
        errors[at] ??= `Could not find member '${key}' on object of type '${model}'.`
      }
      continue
    }
    const at = pathOf(issue.path) || 'model'
    const name = String(issue.path.at(-1) ?? 'model')
    const sent = valueAt(body, issue.path)
    if (issue.code === 'invalid_type' && !sent.present) errors[at] ??= `The ${name} field is required.`
    else if (issue.code === 'invalid_type')
      errors[at] ??= `The value for ${name} must be of type ${issue.expected}, not ${jsonType(sent.value)}.`
    else errors[at] ??= issue.message.startsWith('must ') ? `${name} ${issue.message}.` : issue.message
  }
  return errors
}

/** Parses with the request model or throws 400 code 42. */
export function validate<S extends z.ZodType>(schema: S, body: unknown, model: string): z.output<S> {
  if (body === undefined) {
    throw new DineroError(400, CODES.ValidationError, 'Validation Error', {
      validationErrors: { model: 'A non-empty request body is required.' },
    })
  }
  const result = schema.safeParse(body)
  if (!result.success) throw validationError(validationErrors(result.error.issues, model, body))
  return result.data
}

/** A `TimestampObject (optional)` body (dinero-openapi): none at all is no version check. */
export async function optionalTimestamp(request: Request): Promise<TimestampObject> {
  const raw = await readJson(request)
  return raw === undefined ? {} : validate(TimestampObject, raw, 'TimestampObject')
}

import type { z } from 'zod'
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

export function dineroJson(body: unknown, status = 200): Response {
  const text = JSON.stringify(body).replace(/:9223372036854776000([,}\]])/g, `:${LONG_MAX_TEXT}$1`)
  return new Response(text, { status, headers: { 'content-type': 'application/json; charset=utf-8' } })
}

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

/** Zod issues as Dinero `validationErrors`: one message per property path. */
export function validationErrors(issues: readonly z.core.$ZodIssue[], model: string): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const at = pathOf([...issue.path, key])
        errors[at] ??= `Could not find member '${key}' on object of type '${model}'.`
      }
      continue
    }
    const at = pathOf(issue.path) || 'model'
    errors[at] ??=
      issue.path.length > 0 && issue.code === 'invalid_type' && issue.input === undefined
        ? `The ${String(issue.path.at(-1))} field is required.`
        : issue.message
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
  if (!result.success) throw validationError(validationErrors(result.error.issues, model))
  return result.data
}

import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { kit, type PortableReply } from '../../collections/kit/portable.ts'
import { describeAssertion } from '../../collections/model/describe.ts'
import {
  type Assertion,
  type Check,
  type Compute,
  mockSteps,
  type RequestSpec,
  type Step,
} from '../../collections/model/types.ts'

/**
 * Runner 1's engine: executes a check's steps over any HTTP client. Assertions and captures
 * run through portable.js, the same code the generated Postman scripts embed; only JSON
 * Schema differs (zod here, Postman's validator there, both from the same zod definition).
 */
export interface HttpReply {
  status: number
  headers: Headers
  text: string
}

export interface HttpRequest {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

export type Send = (request: HttpRequest) => Promise<HttpReply>

export interface StepFailure {
  step: string
  assertion: string
  detail: string
}

export interface CheckResult {
  id: string
  passed: boolean
  failures: StepFailure[]
  /** Values captured or computed during the run (secrets among them: never print these). */
  variables: Record<string, string>
}

export type SchemaRegistry = Readonly<Record<string, z.ZodType>>

export const expand = kit.expand

function expandDeep(value: unknown, vars: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return expand(value, vars)
  if (Array.isArray(value)) return value.map((v) => expandDeep(v, vars))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandDeep(v, vars)]))
  }
  return value
}

/** RFC 6749 Appendix B: application/x-www-form-urlencoded encoding of one value. */
export function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+')
}

export function compute(c: Compute, vars: Record<string, string>): void {
  switch (c.fn) {
    case 'random':
      vars[c.set] = randomUUID()
      return
    case 'pkce-verifier':
      vars[c.set] = randomBytes(48).toString('base64url')
      return
    case 's256':
      vars[c.set] = createHash('sha256')
        .update(vars[c.of] ?? '', 'ascii')
        .digest('base64url')
      return
    case 'basic': {
      const id = expand(c.id, vars)
      const secret = expand(c.secret, vars)
      const pair = c.encode ? `${formEncode(id)}:${formEncode(secret)}` : `${id}:${secret}`
      vars[c.set] = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`
      return
    }
  }
}

export function buildRequest(spec: RequestSpec, vars: Readonly<Record<string, string>>): HttpRequest {
  const url = new URL(expand(spec.url, vars))
  for (const [k, v] of Object.entries(spec.query ?? {})) url.searchParams.append(k, expand(v, vars))
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k.toLowerCase()] = expand(v, vars)
  let body: string | undefined
  if (spec.form) {
    body = Object.entries(spec.form)
      .map(([k, v]) => `${formEncode(k)}=${formEncode(expand(v, vars))}`)
      .join('&')
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
  } else if (spec.json !== undefined) {
    body = JSON.stringify(expandDeep(spec.json, vars))
    headers['content-type'] ??= 'application/json'
  } else if (spec.raw) {
    body = expand(spec.raw.body, vars)
    headers['content-type'] ??= spec.raw.contentType
  }
  return { method: spec.method, url: url.toString(), headers, ...(body === undefined ? {} : { body }) }
}

function evaluate(a: Assertion, reply: PortableReply, vars: Record<string, string>, schemas: SchemaRegistry) {
  if (a.kind !== 'schema') return kit.evaluate(a, reply, vars)
  const schema = schemas[a.schema]
  if (schema === undefined) return `no schema named ${a.schema}`
  let body: unknown
  try {
    body = JSON.parse(reply.text)
  } catch {
    return 'body is not JSON'
  }
  const result = schema.safeParse(body)
  return result.success
    ? undefined
    : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
}

export async function runStep(
  step: Step,
  vars: Record<string, string>,
  send: Send,
  schemas: SchemaRegistry,
): Promise<StepFailure[]> {
  for (const c of step.compute ?? []) compute(c, vars)
  const request = buildRequest(step.request, vars)
  let raw: HttpReply
  try {
    raw = await send(request)
  } catch (e) {
    return [
      { step: step.name, assertion: 'request completes', detail: e instanceof Error ? e.message : String(e) },
    ]
  }
  const reply: PortableReply = { status: raw.status, header: (n) => raw.headers.get(n), text: raw.text }
  const failures: StepFailure[] = []
  for (const a of step.expect) {
    const detail = evaluate(a, reply, vars, schemas)
    if (detail !== undefined) failures.push({ step: step.name, assertion: describeAssertion(a), detail })
  }
  for (const c of step.capture ?? []) {
    const v = kit.capture(c, reply)
    if (v !== undefined) vars[c.set] = v
  }
  return failures
}

export async function runCheck(
  check: Check,
  baseVars: Readonly<Record<string, string>>,
  send: Send,
  schemas: SchemaRegistry,
  on: 'mock' | 'live' = 'mock',
): Promise<CheckResult> {
  const vars: Record<string, string> = { ...baseVars }
  const failures: StepFailure[] = []
  const steps = on === 'mock' ? mockSteps(check) : check.steps
  for (const step of steps) failures.push(...(await runStep(step, vars, send, schemas)))
  return { id: check.id, passed: failures.length === 0, failures, variables: vars }
}

/**
 * Values built from a component's shape in the extraction (dinero-openapi), for the generic
 * layer's answers and for specs that need a valid request:
 * - `response`: every property, nullable ones null (the mock knows nothing to put there), the
 *   others the neutral value of their type (empty string, 0, false, the mock clock's instant, an
 *   empty list, an enum's first value, a nested model built the same way);
 * - `request`: only the required properties, each a value the request schema accepts (strings
 *   long enough for `minLength`, one item in a required list).
 * A component described only in prose gives what the prose names.
 */
import { type Component, extraction, type Shape } from './extraction.ts'

export interface ExampleContext {
  /** An instant as Dinero writes it (`2026-01-01T00:00:00.000`). */
  now: string
  /** The Guid to put in uuid properties. */
  guid: string
}

type Mode = 'request' | 'response'
const MAX_DEPTH = 6

function valueFor(shape: Shape, mode: Mode, ctx: ExampleContext, depth: number): unknown {
  switch (shape.kind) {
    case 'string': {
      if (mode === 'response') return ''
      const length = Math.min(Math.max(shape.min ?? 1, 1), shape.max ?? 1)
      return 'x'.repeat(length)
    }
    case 'uuid':
      return ctx.guid
    case 'date-time':
      return ctx.now
    case 'int32':
    case 'int64':
    case 'double':
      return mode === 'request' ? 1 : 0
    case 'boolean':
      return false
    case 'array':
      return mode === 'request' && depth < MAX_DEPTH ? [valueFor(shape.of, mode, ctx, depth + 1)] : []
    case 'ref':
      return exampleOf(shape.name, mode, ctx, depth + 1)
    case 'any':
      return mode === 'request' ? 'x' : null
  }
}

export function exampleOf(name: string, mode: Mode, ctx: ExampleContext, depth = 0): unknown {
  const component: Component | undefined = extraction().components.get(name)
  if (component === undefined || depth > 2 * MAX_DEPTH) return {}
  if (component.enum !== undefined) return component.enum[0]
  const out: Record<string, unknown> = {}
  for (const [key, p] of Object.entries(component.properties)) {
    if (mode === 'request' && !p.required) continue
    // Prose names a property without its type; its name says what it holds.
    if (p.shape.kind === 'any' && mode === 'request') {
      out[key] = key.endsWith('Guid') ? ctx.guid : /Lines$/.test(key) ? [] : 'x'
      continue
    }
    if (mode === 'response' && p.nullable) out[key] = null
    else if (depth >= MAX_DEPTH && p.nullable) out[key] = null
    else out[key] = valueFor(p.shape, mode, ctx, depth)
  }
  return out
}

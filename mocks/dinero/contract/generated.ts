/**
 * Zod schemas for the OpenAPI components the hand-written contract does not define, generated
 * from the extraction (dinero-openapi) by a small converter, so every operation's body and 200
 * answer has a schema named as in the OpenAPI:
 * - request bodies (and the sub-models they contain) are strict, as every request model is
 *   `additionalProperties: false`; responses are loose;
 * - `string|null` is nullable, a property outside `required` is optional, `uuid` is a .NET Guid,
 *   `minLength`/`maxLength` are kept, an enum component is a `z.enum`;
 * - doubles in request bodies are bounded like the hand-written ones (open-dinero-amount-bounds);
 * - a reference to a hand-written model is that model (so one model has one schema).
 * A component the extraction describes in prose is `unresolved`: its schema holds what the prose
 * says (names; types where given; required names must be present; a complete name list makes a
 * request strict), and it is not listed in `generatedContract`, so the drift spec only holds what
 * the extraction states in full.
 */
import { z } from 'zod'
import { type Component, extraction, labelModel, type Property, type Shape } from './extraction.ts'
import { amount, dateTime, double, guid, int32, int64 } from './scalars.ts'

export interface GeneratedContract {
  /** Every component by name: hand-written where the contract has it, generated otherwise. */
  schema(name: string): z.ZodType
  /** Generated schemas that state exactly what the extraction says, keyed by OpenAPI name. */
  generatedContract: Record<string, z.ZodType>
  /** Components sent as request bodies, with the sub-models they contain. */
  requestModels: ReadonlySet<string>
}

const ANY_OBJECT = z.looseObject({})

function requestModelsOf(components: Map<string, Component>): Set<string> {
  const found = new Set<string>()
  const visit = (name: string) => {
    const component = components.get(name)
    if (!component || found.has(name)) return
    found.add(name)
    for (const p of Object.values(component.properties)) {
      const inner = p.shape.kind === 'array' ? p.shape.of : p.shape
      if (inner.kind === 'ref') visit(inner.name)
    }
  }
  for (const op of extraction().operations) {
    const model = op.body === undefined ? undefined : labelModel(op.body)
    if (model) visit(model.name)
  }
  return found
}

export function generateContract(handWritten: Readonly<Record<string, z.ZodType>>): GeneratedContract {
  const { components } = extraction()
  const requestModels = requestModelsOf(components)
  const built = new Map<string, z.ZodType>()
  const exact = new Map<string, boolean>()
  const building = new Set<string>()

  const scalar = (shape: Shape, request: boolean): z.ZodType => {
    switch (shape.kind) {
      case 'string': {
        let s = z.string()
        if (shape.min !== undefined) s = s.min(shape.min)
        if (shape.max !== undefined) s = s.max(shape.max)
        return s
      }
      case 'uuid':
        return guid
      case 'date-time':
        return request ? z.string() : dateTime
      case 'int32':
        return int32
      case 'int64':
        return int64
      case 'double':
        return request ? amount : double
      case 'boolean':
        return z.boolean()
      case 'array':
        return z.array(scalar(shape.of, request))
      case 'ref':
        return schema(shape.name)
      case 'any':
        return z.unknown()
    }
  }

  const property = (key: string, p: Property, request: boolean): z.ZodType => {
    // A property named without a type: anything, but present when required.
    if (p.shape.kind === 'any')
      return p.required
        ? z.custom<unknown>((v) => v !== undefined, { message: `The ${key} field is required.` })
        : z.unknown().optional()
    let s = scalar(p.shape, request)
    if (p.nullable) s = s.nullable()
    return p.required ? s : s.optional()
  }

  /** Whether a schema says only what the extraction says (every reference included). */
  const isExact = (name: string): boolean => {
    if (name in handWritten) return true
    return exact.get(name) ?? false
  }

  function schema(name: string): z.ZodType {
    const hand = handWritten[name]
    if (hand !== undefined) return hand
    const done = built.get(name)
    if (done !== undefined) return done
    const component = components.get(name)
    const request = requestModels.has(name)
    if (component === undefined || building.has(name)) return request ? ANY_OBJECT : ANY_OBJECT
    building.add(name)
    let out: z.ZodType
    let ok = component.unresolved === undefined
    const keys = Object.entries(component.properties)
    if (component.enum !== undefined) out = z.enum(component.enum as [string, ...string[]])
    else if (keys.length === 0) out = ANY_OBJECT
    else {
      const shape: Record<string, z.ZodType> = {}
      for (const [key, p] of keys) {
        shape[key] = property(key, p, request)
        const inner = p.shape.kind === 'array' ? p.shape.of : p.shape
        if (inner.kind === 'ref') {
          schema(inner.name)
          if (!isExact(inner.name)) ok = false
        }
      }
      out = request && component.closed ? z.strictObject(shape) : z.looseObject(shape)
    }
    building.delete(name)
    built.set(name, out)
    exact.set(name, ok)
    return out
  }

  for (const name of components.keys()) schema(name)
  const generatedContract: Record<string, z.ZodType> = {}
  for (const [name, s] of built)
    if (!(name in handWritten) && exact.get(name) === true) generatedContract[name] = s
  return { schema, generatedContract, requestModels }
}

import { readFileSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import { type RawSchema, resolveTexts, type Texts } from '../../mocks/dinero/contract/extraction.ts'

/**
 * Reads the condensed official OpenAPI in mocks/dinero/contract/data/ (source `dinero-openapi`;
 * its README says where and when it was captured) and holds a zod schema against one of its
 * components through the schema's draft-07 JSON Schema: property names, required list,
 * nullability, base type, uuid format, referenced sub-models and documented value lists. Returns differences as readable lines, empty when they agree.
 */

interface RawEndpoint {
  method?: string
  path: string
  body?: string
  responses?: Record<string, string>
}

export interface Extraction {
  schemas: RawSchema[]
  endpoints: RawEndpoint[]
}

/** The condensed OpenAPI, committed beside the contract it describes so a lone clone can run the drift spec. */
export const EXTRACTION_FILE = new URL(
  '../../mocks/dinero/contract/data/dinero-openapi-condensed.json',
  import.meta.url,
)

export function readExtraction(): Extraction {
  return JSON.parse(readFileSync(EXTRACTION_FILE, 'utf8'))
}

export interface Component {
  name: string
  required: string[]
  /** Property name → the extraction's type text, e.g. `string|null maxLength128`. */
  props: Record<string, string>
  enum?: string[]
  /** Set when the extraction describes the properties in prose this module cannot read. */
  unresolved?: string
}

interface Json {
  type?: string | string[]
  anyOf?: Json[]
  enum?: unknown[]
  format?: string
  items?: Json
  properties?: Record<string, Json>
  required?: string[]
  additionalProperties?: unknown
}

const COLLECTION = 'DineroCollection'

/** `*DineroCollection (A, B)`, `A / B / C` and `A (GET /v1/… item)` each name several or annotated components. */
export function componentNames(label: string): string[] {
  const family = /^\*\w+ \((.+)\)$/.exec(label)
  if (family) return family[1]!.split(', ')
  return label
    .split(' / ')
    .map((part) => part.replace(/ \(.*\)$/, ''))
    .filter((name) => /^\w+$/.test(name))
}

/** The extraction's prose forms, resolved by the same reader the mock's generated contract uses. */
function resolveProps(raw: RawSchema, lookup: (name: string) => Component | undefined): Texts {
  return resolveTexts(raw, (name) => lookup(name)?.props)
}

export function readComponents(extraction: Extraction): Map<string, Component> {
  const raw = new Map<string, RawSchema>()
  for (const entry of extraction.schemas)
    for (const name of componentNames(entry.schema)) raw.set(name, entry)
  const resolved = new Map<string, Component>()
  const resolving = new Set<string>()
  const lookup = (name: string): Component | undefined => {
    const done = resolved.get(name)
    if (done) return done
    const entry = raw.get(name)
    if (!entry || resolving.has(name)) return undefined
    resolving.add(name)
    const component: Component = { name, required: entry.required ?? [], props: {} }
    if (entry.enum) component.enum = entry.enum
    else {
      const props = resolveProps(entry, lookup)
      if ('props' in props) component.props = props.props
      else component.unresolved = props.unresolved
    }
    resolving.delete(name)
    resolved.set(name, component)
    return component
  }
  for (const name of raw.keys()) lookup(name)
  return resolved
}

/** The component a property refers to: `$ref X`, `array of X`, or a collection's item model. */
function referenceOf(component: Component, property: string, text: string): string | undefined {
  if (property === 'Collection' && component.name.endsWith(COLLECTION))
    return component.name.slice(0, -COLLECTION.length)
  return /^(?:\$ref|array(?:\|null)? of) (\w+)/.exec(text)?.[1]
}

/** Components sent as request bodies, with the sub-models they contain (e.g. invoice lines). */
export function requestModels(extraction: Extraction, components: Map<string, Component>): Set<string> {
  const found = new Set<string>()
  const visit = (name: string | undefined) => {
    const component = name === undefined ? undefined : components.get(name)
    if (!component || found.has(component.name)) return
    found.add(component.name)
    for (const [property, text] of Object.entries(component.props))
      visit(referenceOf(component, property, text))
  }
  // `array of LedgerItemModel` sends LedgerItemModel items.
  for (const endpoint of extraction.endpoints)
    visit(endpoint.body && /^(?:array of )?(\w+)/.exec(endpoint.body)?.[1])
  return found
}

/** Components an operation's body and 200 response name. */
export function operationModels(endpoint: RawEndpoint, components: Map<string, Component>): string[] {
  const text = `${endpoint.body ?? ''} ${endpoint.responses?.['200'] ?? ''}`
  return [...new Set(text.match(/\b[A-Z]\w+/g) ?? [])].filter((name) => components.has(name))
}

export function toJson(schema: z.ZodType): Json {
  const { $schema: _draft, ...json } = z.toJSONSchema(schema, { target: 'draft-7' })
  return json as Json
}

const acceptsNull = (json: Json): boolean =>
  (Array.isArray(json.type) ? json.type.includes('null') : json.type === 'null') ||
  (json.anyOf?.some(acceptsNull) ?? false)

const withoutNull = (json: Json): Json => json.anyOf?.find((member) => member.type !== 'null') ?? json

const typesOf = (json: Json): string[] =>
  json.anyOf ? json.anyOf.flatMap(typesOf) : [json.type ?? []].flat().filter((type) => type !== 'null')

const JSON_TYPE: Record<string, string> = {
  string: 'string',
  uuid: 'string',
  'date-time': 'string',
  int32: 'integer',
  int64: 'integer',
  double: 'number',
  boolean: 'boolean',
  array: 'array',
}

/** Values of a description such as `string|null: Netto, NettoCash, or Paid (…)`; `null` is nullability. */
export function listedValues(text: string): string[] | undefined {
  const start = text.indexOf(': ')
  if (start < 0) return undefined
  return text
    .slice(start + 2)
    .split(/,\s*(?:or\s+)?|\s+or\s+/)
    .map((part) => /^'?([\w-]+)'?/.exec(part)?.[1])
    .filter((value): value is string => value !== undefined && value !== 'null')
}

const sameSet = (a: readonly unknown[], b: readonly unknown[]) =>
  isDeepStrictEqual([...new Set(a.map(String))].sort(), [...new Set(b.map(String))].sort())

export function compareWithComponent(
  schema: z.ZodType,
  component: Component,
  known: Readonly<Record<string, z.ZodType>>,
): string[] {
  const json = toJson(schema)
  if (component.enum) {
    return json.enum && sameSet(json.enum, component.enum)
      ? []
      : [`enum ${JSON.stringify(json.enum ?? null)}, the extraction lists ${JSON.stringify(component.enum)}`]
  }
  if (component.unresolved) return [`cannot read the extraction's properties: "${component.unresolved}"`]

  const differences: string[] = []
  const actual = json.properties ?? {}
  const required = new Set(json.required ?? [])
  for (const name of Object.keys(component.props)) if (!(name in actual)) differences.push(`${name}: missing`)
  for (const name of Object.keys(actual))
    if (!(name in component.props)) differences.push(`${name}: not in the OpenAPI model`)
  for (const name of component.required)
    if (!required.has(name) && name in actual) differences.push(`${name}: should be required`)
  for (const name of required)
    if (!component.required.includes(name) && name in component.props)
      differences.push(`${name}: should be optional`)

  for (const [name, text] of Object.entries(component.props)) {
    const property = actual[name]
    if (!property) continue
    const [token = ''] = text.split(/[\s;:(]/)
    const nullable = token.endsWith('|null')
    if (acceptsNull(property) !== nullable)
      differences.push(`${name}: should ${nullable ? '' : 'not '}accept null`)
    const value = withoutNull(property)
    const base = token.replace(/\|null$/, '')
    const reference = referenceOf(component, name, text)

    if (base !== '$ref') {
      const expected = JSON_TYPE[base]
      if (expected === undefined) differences.push(`${name}: unknown OpenAPI type "${token}"`)
      else if (!typesOf(value).includes(expected))
        differences.push(`${name}: type ${typesOf(value).join('|')}, the extraction says ${base}`)
      if ((base === 'uuid') !== (value.format === 'uuid'))
        differences.push(`${name}: format ${value.format ?? 'none'}, the extraction says ${base}`)
    }
    if (reference !== undefined) {
      const target = known[reference]
      const inner = base === 'array' ? value.items : value
      if (!target) differences.push(`${name}: refers to ${reference}, which the contract does not define`)
      else if (!isDeepStrictEqual(inner, toJson(target))) differences.push(`${name}: is not ${reference}`)
    } else if (value.enum) {
      const listed = listedValues(text)
      if (!listed || !sameSet(value.enum, listed))
        differences.push(
          `${name}: enum ${JSON.stringify(value.enum)}, the extraction lists ${JSON.stringify(listed ?? [])}`,
        )
    }
  }
  return differences
}

export type Strictness = 'strict' | 'loose' | 'strip'

/** How an object schema treats a key it does not declare: refuse it, keep it, or drop it. */
export function strictnessOf(schema: z.ZodType): Strictness {
  const probe = schema.safeParse({ '~undeclared': true })
  if (probe.error?.issues.some((issue) => issue.code === 'unrecognized_keys' && issue.path.length === 0))
    return 'strict'
  return toJson(schema).additionalProperties === false ? 'strip' : 'loose'
}

/**
 * The condensed official OpenAPI (dinero-openapi; data/README.md says where and when it was
 * captured), read into a small typed model the generic layer works from: every operation (method,
 * path, declared parameters, body and 200 response labels) and every component as property
 * shapes. The extraction writes types as text (`string|null maxLength128`, `$ref X`, `array of X`)
 * and shortens some models to prose (`same fields as X without Y`, `T (…) + all X fields`, a `...`
 * property `plus all X fields`); this reads the same forms the contract-drift spec reads, and
 * marks anything else `unresolved` rather than guessing.
 */
import { readFileSync } from 'node:fs'

export interface RawParam {
  name: string
  in: 'path' | 'query'
  type?: string
  required?: boolean
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** The OpenAPI path, `{param}` style. */
  path: string
  tag: string
  summary: string
  /** Declared parameters; the extraction lists them for only some operations. */
  params: RawParam[]
  /** The body label as written (`BookModel`, `array of LedgerItemModel`, `TimestampObject (optional)`). */
  body?: string
  /** A multipart upload (Files) instead of a JSON body. */
  multipart: boolean
  /** The 200 response label as written (`OK`, `array of X`, `X | octet-stream`). */
  response: string
}

export type Shape =
  | { kind: 'string'; min?: number; max?: number }
  | { kind: 'uuid' | 'date-time' | 'int32' | 'int64' | 'double' | 'boolean' }
  | { kind: 'ref'; name: string }
  | { kind: 'array'; of: Shape }
  /** A property the extraction names without a type (prose models). */
  | { kind: 'any' }

export interface Property {
  shape: Shape
  nullable: boolean
  required: boolean
}

export interface Component {
  name: string
  enum?: string[]
  properties: Record<string, Property>
  /**
   * Set when the extraction does not state the model in the forms the contract-drift spec reads
   * (prose, a bare type name): such a model stays out of the contract, and `properties` holds
   * what the prose does say (names, and types where it gives them).
   */
  unresolved?: string
  /** Whether `properties` is the whole list, so a request body may be checked for unknown ones. */
  closed: boolean
}

export interface RawSchema {
  schema: string
  required?: string[]
  props?: Record<string, string> | string
  enum?: string[]
  note?: string
}

interface RawEndpoint {
  method?: string
  path: string
  tag?: string
  summary?: string
  params?: unknown
  body?: string
  requestBody?: string
  responses?: Record<string, string>
}

const FILE = new URL('./data/dinero-openapi-condensed.json', import.meta.url)
const COLLECTION = 'DineroCollection'

/** `*DineroCollection (A, B)` and `A / B / C` and `A (GET … item)` each name several or annotated components. */
function componentNames(label: string): string[] {
  const family = /^\*\w+ \((.+)\)$/.exec(label)
  if (family) return family[1]!.split(', ')
  return label
    .split(' / ')
    .map((part) => part.replace(/ \(.*\)$/, ''))
    .filter((name) => /^\w+$/.test(name))
}

export type Texts = { props: Record<string, string> } | { unresolved: string }

/**
 * A model's property texts, with the extraction's prose forms resolved against other models:
 * `same fields as X without Y`, `identical to X`, `T (type, …) + all X fields`, or a `...`
 * property `plus all X fields … (A, B, …)`. Shared with the contract-drift spec's reader.
 */
export function resolveTexts(
  raw: RawSchema,
  base: (name: string) => Record<string, string> | undefined,
): Texts {
  const props = raw.props
  if (props === undefined) return { unresolved: 'no properties listed' }
  if (typeof props === 'string') {
    const same = /^(?:same (?:fields )?as|identical to) (\w+)(?: without (\w+))?$/.exec(props)
    if (same) {
      const from = base(same[1]!)
      if (!from) return { unresolved: props }
      const { [same[2] ?? '']: _omitted, ...rest } = from
      return { props: rest }
    }
    const plus = /^(\w+) \(([^,)]+)[^)]*\) \+ all (\w+) fields$/.exec(props)
    if (plus) {
      const from = base(plus[3]!)
      return from ? { props: { [plus[1]!]: plus[2]!, ...from } } : { unresolved: props }
    }
    return { unresolved: props }
  }
  const { '...': more, ...own } = props
  if (more === undefined) return { props: own }
  const plusAll = /^plus all (\w+) fields(?:.*\(([^)]+)\))?$/.exec(more)
  const from = plusAll ? base(plusAll[1]!) : undefined
  if (!from) return { unresolved: more }
  const picked: Record<string, string> = {}
  for (const name of plusAll![2]?.split(', ') ?? Object.keys(from)) {
    const text = from[name]
    if (text === undefined) return { unresolved: more }
    picked[name] = text
  }
  return { props: { ...picked, ...own } }
}

const SCALARS = new Set(['uuid', 'date-time', 'int32', 'int64', 'double', 'boolean'])

/** One property's type text as a shape, or undefined when the text is not a type this reads. */
function shapeOf(
  owner: string,
  property: string,
  text: string,
): { shape: Shape; nullable: boolean } | undefined {
  const [token = ''] = text.split(/[\s;:(]/)
  const nullable = token.endsWith('|null')
  const base = token.replace(/\|null$/, '')
  if (base === 'string') {
    const shape: Shape = { kind: 'string' }
    const min = /minLength(\d+)/.exec(text)?.[1]
    const max = /maxLength(\d+)/.exec(text)?.[1]
    if (min !== undefined) shape.min = Number(min)
    if (max !== undefined) shape.max = Number(max)
    return { shape, nullable }
  }
  if (SCALARS.has(base)) return { shape: { kind: base as 'uuid' }, nullable }
  if (base === '$ref') {
    const name = /^\S+ (\w+)/.exec(text)?.[1]
    return name === undefined ? undefined : { shape: { kind: 'ref', name }, nullable }
  }
  if (base === 'any') return { shape: { kind: 'any' }, nullable: true }
  if (base === 'array') {
    if (property === 'Collection' && owner.endsWith(COLLECTION))
      return {
        shape: { kind: 'array', of: { kind: 'ref', name: owner.slice(0, -COLLECTION.length) } },
        nullable,
      }
    const of = /^\S+ of (\w+)/.exec(text)?.[1]
    if (of === undefined) return undefined
    const item: Shape = SCALARS.has(of) ? ({ kind: of } as Shape) : { kind: 'ref', name: of }
    return { shape: { kind: 'array', of: item }, nullable }
  }
  return undefined
}

/**
 * What prose says of a model the drift spec cannot read: a comma list of names with optional
 * hints (`ContactGuid (uuid, required)`, `Number(int64)`, `ProductLines (TradeOfferLineCreateModel[])`),
 * `T + X fields`, `as X but P nullable`, a note `same shape as A / B`. Undefined when it says
 * nothing usable (then only the required names are known, and the list is open).
 */
function proseTexts(
  name: string,
  entry: RawSchema,
  base: (name: string) => Record<string, string> | undefined,
): Record<string, string> | undefined {
  const props = entry.props
  if (props === undefined) {
    const same = /^same shape as (\w+) \/ (\w+)$/.exec(entry.note ?? '')
    const names = componentNames(entry.schema)
    if (same === null || names.length !== 2) return undefined
    return base(names[0] === name ? same[1]! : same[2]!)
  }
  const text = typeof props === 'string' ? props : (props['...'] ?? '')
  const own =
    typeof props === 'string' ? {} : Object.fromEntries(Object.entries(props).filter(([k]) => k !== '...'))
  const plus = /^(\w+) \+ (\w+) fields$/.exec(text)
  if (plus) {
    const from = base(plus[2]!)
    return from ? { [plus[1]!]: 'string', ...from, ...own } : undefined
  }
  const as = /^as (\w+) but (\w+) nullable$/.exec(text)
  if (as) {
    const from = base(as[1]!)
    if (!from) return undefined
    const changed = from[as[2]!]
    return {
      ...from,
      ...(changed === undefined ? {} : { [as[2]!]: changed.replace(/^(\S+?)(\|null)?(?=\s|$)/, '$1|null') }),
    }
  }
  const out: Record<string, string> = {}
  for (const item of text.split(/,\s*/)) {
    const m = /^(\w+)\s*(?:\(([^)]*)\))?$/.exec(item.trim())
    if (m === null) return undefined
    const hint = m[2] ?? ''
    const list = /^(\w+)\[\]$/.exec(hint)
    const scalar = /^(uuid|int32|int64|double|boolean|string|date-time)\b/.exec(hint)
    out[m[1]!] = list ? `array of ${list[1]}` : scalar ? scalar[1]! : 'any'
  }
  return { ...out, ...own }
}

function readComponents(raws: readonly RawSchema[]): Map<string, Component> {
  const raw = new Map<string, RawSchema>()
  for (const entry of raws) for (const name of componentNames(entry.schema)) raw.set(name, entry)
  const texts = new Map<string, Texts>()
  const resolving = new Set<string>()
  const textsOf = (name: string): Record<string, string> | undefined => {
    const done = texts.get(name)
    if (done) return 'props' in done ? done.props : undefined
    const entry = raw.get(name)
    if (!entry || entry.enum || resolving.has(name)) return undefined
    resolving.add(name)
    const t = resolveTexts(entry, textsOf)
    resolving.delete(name)
    texts.set(name, t)
    return 'props' in t ? t.props : undefined
  }
  const out = new Map<string, Component>()
  const build = (name: string, entry: RawSchema, props: Record<string, string>, closed: boolean) => {
    const required = new Set(entry.required ?? [])
    const properties: Record<string, Property> = {}
    let unresolved: string | undefined
    for (const [property, text] of Object.entries(props)) {
      const bare = /^([A-Z]\w+)(\|null)?$/.exec(text.split(/[\s;:(]/)[0] ?? '')
      const shape =
        shapeOf(name, property, text) ??
        (bare && raw.has(bare[1]!)
          ? { shape: { kind: 'ref', name: bare[1]! } as Shape, nullable: bare[2] !== undefined }
          : { shape: { kind: 'any' } as Shape, nullable: true })
      if (shapeOf(name, property, text) === undefined) unresolved ??= `${property}: ${text}`
      if (shape.shape.kind === 'any') unresolved ??= `${property}: ${text}`
      properties[property] = { ...shape, required: required.has(property) }
    }
    for (const property of required)
      if (!(property in properties))
        properties[property] = { shape: { kind: 'any' }, nullable: true, required: true }
    return { name, properties, closed, ...(unresolved === undefined ? {} : { unresolved }) }
  }
  for (const [name, entry] of raw) {
    if (entry.enum) {
      out.set(name, { name, enum: entry.enum, properties: {}, closed: true })
      continue
    }
    textsOf(name)
    const t = texts.get(name) ?? { unresolved: 'no properties listed' }
    if ('props' in t) {
      out.set(name, build(name, entry, t.props, true))
      continue
    }
    const prose = proseTexts(name, entry, textsOf)
    out.set(name, { ...build(name, entry, prose ?? {}, prose !== undefined), unresolved: t.unresolved })
  }
  return out
}

function readOperations(raws: readonly RawEndpoint[]): Operation[] {
  const out: Operation[] = []
  for (const e of raws) {
    if (e.method === undefined) continue
    const params = Array.isArray(e.params)
      ? (e.params as unknown[]).filter((p): p is RawParam => typeof p === 'object' && p !== null)
      : []
    out.push({
      method: e.method as Operation['method'],
      path: e.path,
      tag: e.tag ?? '',
      summary: e.summary ?? '',
      params,
      ...(e.body === undefined ? {} : { body: e.body }),
      multipart: e.requestBody?.startsWith('multipart') ?? false,
      response: e.responses?.['200'] ?? 'OK',
    })
  }
  return out
}

export interface Extraction {
  operations: Operation[]
  components: Map<string, Component>
}

let cached: Extraction | undefined

/** The extraction, read once per process (it does not change while the mock runs). */
export function extraction(): Extraction {
  if (cached === undefined) {
    const raw = JSON.parse(readFileSync(FILE, 'utf8')) as { endpoints: RawEndpoint[]; schemas: RawSchema[] }
    cached = { operations: readOperations(raw.endpoints), components: readComponents(raw.schemas) }
  }
  return cached
}

/** The component a body or response label names first (`array of X` → X, `X (optional)` → X). */
export function labelModel(label: string): { name: string; array: boolean } | undefined {
  const m = /^(array of )?([A-Z]\w+)/.exec(label)
  return m === null ? undefined : { name: m[2]!, array: m[1] !== undefined }
}

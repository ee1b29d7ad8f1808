import type { Deviations } from '../deviations.ts'
import { dineroText } from './body.ts'
import { calendarInstant } from './dates.ts'
import { CODES, DineroError, invalidFormat, invalidRequest } from './errors.ts'

/**
 * Query conventions shared by the Dinero list endpoints (dinero-openapi):
 * - `fields`: comma list, matched case-insensitively, each key echoed exactly as requested,
 *   unknown names dropped; empty/absent → the endpoint's default (often lower-camel, so lower-camel
 *   keys come back). Deviation `dinero.ignore-fields`: the default set in PascalCase, always.
 * - paging: `page` 0-based (default 0), `pageSize` default 100, maximum 1000; envelope
 *   `{Collection, Pagination{MaxPageSizeAllowed, PageSize, Result, ResultWithoutFilter, Page}}`
 *   where Result = rows in this page and ResultWithoutFilter = rows before paging.
 *   assumption: dinero-openapi says only "Maximum 1000"; a value that is not an integer is
 *   400 code 44 (Invalid format), an integer out of range (pageSize < 1 or > 1000, page < 0)
 *   is 400 code 45 (Invalid request).
 * - `queryFilter`: `<Field> eq|contains '<value>'` joined by `;` (AND), case-insensitive, only the
 *   resource's filterable fields; anything else → 400 code 46 (Invalid filter format).
 * - `changesSince`: UTC `YYYY-MM-DDTHH:mm:ssZ`, else 400 code 44; `deletedOnly`: true|false.
 */

export const MAX_PAGE_SIZE = 1000
const DEFAULT_PAGE_SIZE = 100

export interface FieldSpec {
  /** The documented default of `fields`, e.g. `name,contactGuid`. */
  defaults: string
  /** The property names `fields` may name, in the model's own PascalCase. */
  allowed: readonly string[]
}

const splitList = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1)

/** Each spec's allowed names by their lower case, made once per spec rather than per request. */
const lowerNamesOf = new WeakMap<FieldSpec, ReadonlyMap<string, string>>()
function lowerNames(spec: FieldSpec): ReadonlyMap<string, string> {
  let byLower = lowerNamesOf.get(spec)
  if (byLower === undefined) {
    byLower = new Map(spec.allowed.map((a) => [a.toLowerCase(), a]))
    lowerNamesOf.set(spec, byLower)
  }
  return byLower
}

/** Pairs of (key as requested, model property) for this request. */
export function selectFields(
  url: URL,
  spec: FieldSpec,
  deviations: Deviations,
): readonly (readonly [string, string])[] {
  const raw = url.searchParams.get('fields')
  const ignore = deviations.has('dinero.ignore-fields')
  const requested =
    ignore || raw === null || splitList(raw).length === 0 ? splitList(spec.defaults) : splitList(raw)
  const byLower = lowerNames(spec)
  const out: (readonly [string, string])[] = []
  for (const name of requested) {
    const property = byLower.get(name.toLowerCase())
    if (property !== undefined) out.push([ignore ? pascal(name) : name, property] as const)
  }
  return out
}

export function project(
  item: Readonly<Record<string, unknown>>,
  fields: readonly (readonly [string, string])[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, property] of fields) out[key] = item[property] ?? null
  return out
}

export interface Paging {
  page: number
  pageSize: number
  /** The number of the first page: 0 (dinero-openapi); 1 under deviation dinero.pages-one-based. */
  first?: 0 | 1
}

function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name)
  if (raw === null || raw.trim() === '') return fallback
  if (!/^[+-]?\d+$/.test(raw.trim())) throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n > 2_147_483_647 || n < -2_147_483_648)
    throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
  return n
}

export function parsePaging(url: URL, deviations: Deviations): Paging {
  const first = deviations.has('dinero.pages-one-based') ? 1 : 0
  const page = intParam(url, 'page', first)
  const pageSize = intParam(url, 'pageSize', DEFAULT_PAGE_SIZE)
  if (page < first) throw invalidRequest(`page must be ${first} or greater`)
  // Deviation dinero.page-size-unbounded: no upper bound.
  const unbounded = deviations.has('dinero.page-size-unbounded')
  if (pageSize < 1 || (pageSize > MAX_PAGE_SIZE && !unbounded))
    throw invalidRequest(`pageSize must be between 1 and ${MAX_PAGE_SIZE}`)
  if (deviations.has('dinero.paging-ignored')) return { page: first, pageSize: DEFAULT_PAGE_SIZE, first }
  return { page, pageSize, first }
}

export interface Envelope<T> {
  Collection: T[]
  Pagination: {
    MaxPageSizeAllowed: number
    PageSize: number
    Result: number
    ResultWithoutFilter: number
    Page: number
  }
}

export function paginate<T>(items: readonly T[], paging: Paging): Envelope<T> {
  const start = (paging.page - (paging.first ?? 0)) * paging.pageSize
  const slice = items.slice(start, start + paging.pageSize)
  return {
    Collection: slice,
    Pagination: {
      MaxPageSizeAllowed: MAX_PAGE_SIZE,
      PageSize: paging.pageSize,
      Result: slice.length,
      ResultWithoutFilter: items.length,
      Page: paging.page,
    },
  }
}

/**
 * The text of `dineroJson(paginate(items, paging))` with each item's text made by `itemText`:
 * JSON.stringify writes an array as its items' texts joined by commas, and the long.MaxValue
 * rewrite never spans two items (each item's text begins with `{` and ends with `}`), so a list
 * can serve items it serialised before (contacts.ts) and answer byte for byte the same.
 */
export function envelopeText<T>(items: readonly T[], paging: Paging, itemText: (item: T) => string): string {
  const page = paginate(items, paging)
  let collection = ''
  for (let i = 0; i < page.Collection.length; i++)
    collection += i === 0 ? itemText(page.Collection[i]!) : `,${itemText(page.Collection[i]!)}`
  return `{"Collection":[${collection}],"Pagination":${dineroText(page.Pagination)}}`
}

export interface Condition {
  property: string
  operator: 'eq' | 'contains'
  value: string
}

const CONDITION = /^\s*([A-Za-z]+)\s+(eq|contains)\s+'((?:[^']|'')*)'\s*$/i

const filterError = (detail: string) =>
  new DineroError(400, CODES.InvalidFilterFormat, 'Invalid filter format', {
    validationErrors: { queryFilter: detail },
  })

export function parseQueryFilter(raw: string | null, filterable: readonly string[]): Condition[] {
  if (raw === null || raw.trim() === '') return []
  const byLower = new Map(filterable.map((f) => [f.toLowerCase(), f]))
  const out: Condition[] = []
  for (const part of raw.split(/;(?=(?:[^']*'[^']*')*[^']*$)/)) {
    if (part.trim() === '') continue
    const m = CONDITION.exec(part)
    if (m === null) throw filterError(`'${part.trim()}' is not of the form <Field> eq|contains '<value>'`)
    const property = byLower.get(m[1]!.toLowerCase())
    if (property === undefined)
      throw filterError(`'${m[1]}' cannot be filtered on; filterable: ${filterable.join(', ')}`)
    out.push({
      property,
      operator: m[2]!.toLowerCase() as Condition['operator'],
      value: m[3]!.replace(/''/g, "'"),
    })
  }
  return out
}

export function matchesFilter(
  item: Readonly<Record<string, unknown>>,
  conditions: readonly Condition[],
): boolean {
  return conditions.every((c) => {
    const v = item[c.property]
    const text = v === null || v === undefined ? '' : String(v).toLowerCase()
    const want = c.value.toLowerCase()
    return c.operator === 'eq' ? text === want : text.includes(want)
  })
}

/** `changesSince` as epoch ms, undefined when absent. */
export function parseChangesSince(url: URL): number | undefined {
  const raw = url.searchParams.get('changesSince')
  if (raw === null || raw === '') return undefined
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(raw) ? calendarInstant(raw) : undefined
  if (ms === undefined) throw invalidFormat(`changesSince must be UTC 'YYYY-MM-DDTHH:mm:ssZ', got '${raw}'`)
  return ms
}

/** `deletedOnly`: true → only deleted, false → only live, `whenAbsent` otherwise (undefined = both). */
export function parseDeletedOnly(url: URL, whenAbsent: boolean | undefined): boolean | undefined {
  const raw = url.searchParams.get('deletedOnly')
  if (raw === null || raw === '') return whenAbsent
  const v = raw.toLowerCase()
  if (v === 'true') return true
  if (v === 'false') return false
  throw invalidFormat(`The value '${raw}' is not valid for deletedOnly.`)
}

/** Whether a row passes `deletedOnly` and `changesSince`. */
export function passesLifecycle(
  row: { createdAt: number; updatedAt: number; deletedAt: number | null },
  deletedOnly: boolean | undefined,
  changesSince: number | undefined,
): boolean {
  if (deletedOnly === true && row.deletedAt === null) return false
  if (deletedOnly === false && row.deletedAt !== null) return false
  if (changesSince === undefined) return true
  return Math.max(row.createdAt, row.updatedAt, row.deletedAt ?? 0) >= changesSince
}

/**
 * What every paged document list reads alike (dinero-openapi list parameters): `fields`,
 * `queryFilter`, `changesSince`, `deletedOnly` (default: live only), `freeTextSearch` (lower-cased)
 * and `page`/`pageSize`.
 */
export function parseListQuery(
  url: URL,
  spec: FieldSpec,
  filterable: readonly string[],
  deviations: Deviations,
) {
  return {
    fields: selectFields(url, spec, deviations),
    conditions: parseQueryFilter(url.searchParams.get('queryFilter'), filterable),
    changesSince: parseChangesSince(url),
    deletedOnly: parseDeletedOnly(url, false),
    search: url.searchParams.get('freeTextSearch')?.toLowerCase() ?? '',
    paging: parsePaging(url, deviations),
  }
}

/** Mock-clock instants the way Dinero writes them: no offset, milliseconds (apaq-dinero-fixtures). */
/**
 * Formatting is slow (about a microsecond a call) and a page of 100 contacts formats 300 instants
 * per request, most of them the same from one request to the next (docs/BENCH.md); a pure
 * function, so the text is kept per instant, a bounded number of them.
 */
const dateTimes = new Map<number, string>()
export const dateTime = (ms: number): string => {
  let text = dateTimes.get(ms)
  if (text === undefined) {
    text = new Date(ms).toISOString().slice(0, 23)
    if (dateTimes.size >= 10_000) dateTimes.clear()
    dateTimes.set(ms, text)
  }
  return text
}

/** CreatedAt, UpdatedAt and DeletedAt of a stored row, as every read model gives them. */
export const recordStamps = (row: { createdAt: number; updatedAt: number; deletedAt: number | null }) => ({
  CreatedAt: dateTime(row.createdAt),
  UpdatedAt: dateTime(row.updatedAt),
  DeletedAt: row.deletedAt === null ? null : dateTime(row.deletedAt),
})

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

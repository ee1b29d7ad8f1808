import { dineroJson, LONG_MAX } from './body.ts'
import type { DineroContext } from './context.ts'
import { calendarDay } from './dates.ts'
import { invalidFormat, invalidRequest } from './errors.ts'
import { type FieldSpec, matchesFilter, paginate, parseListQuery, passesLifecycle, project } from './query.ts'
import type { Row } from './store.ts'

/**
 * The sales lists' one query (dinero-openapi: GET /v1/:org/invoices, /sales, /sales/creditnotes,
 * all answering `SalesVoucherReadListModelDineroCollection` with the same parameters):
 * - `startDate`/`endDate` (YYYY-MM-DD, else 400 code 44; both or neither → else 400 code 45;
 *   drafts are listed whatever the dates);
 * - `statusFilter` (Draft, Booked, Paid, OverPaid, Overdue), `sort` (VoucherNumber, VoucherDate,
 *   Status, Contact; default VoucherNumber,VoucherDate) — an unknown name → 400 code 45;
 *   `sortOrder` (default descending; Status always Draft, Overdue, Booked, OverPaid, Paid);
 * - `queryFilter` (ExternalReference, ContactGuid, Description → else 400 code 46),
 *   `freeTextSearch` (number, contact name, description, total), `changesSince`, `deletedOnly`;
 * - `page`/`pageSize` as every paged list, `fields` projected from the list's FieldSpec.
 */

/** SalesVoucherReadListModel as the lists build it. */
export interface SalesListItem {
  Number: number
  Date: string
  Status: string
  ContactName: string | null
  Description: string
  TotalInclVat: number
  [key: string]: unknown
}

/** The SalesVoucherReadListModel properties `fields` may name. */
const ALLOWED = [
  'Number',
  'Guid',
  'ExternalReference',
  'ContactName',
  'ContactGuid',
  'Date',
  'PaymentDate',
  'Description',
  'Currency',
  'Status',
  'Type',
  'MailOutStatus',
  'LatestMailOutType',
  'TotalExclVatInDkk',
  'TotalInclVatInDkk',
  'TotalExclVat',
  'TotalInclVat',
  'CreatedAt',
  'UpdatedAt',
  'DeletedAt',
]

/** `fields` of a sales list with its documented default. */
export const salesFields = (defaults: string): FieldSpec => ({ defaults, allowed: ALLOWED })

const FILTERABLE = ['ExternalReference', 'ContactGuid', 'Description'] as const
const STATUSES = ['Draft', 'Booked', 'Paid', 'OverPaid', 'Overdue'] as const
const STATUS_ORDER = ['Draft', 'Overdue', 'Booked', 'OverPaid', 'Paid']
const SORT_KEYS = ['VoucherNumber', 'VoucherDate', 'Status', 'Contact'] as const

export function parseDay(url: URL, name: string): string | undefined {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return undefined
  if (calendarDay(raw) === undefined) throw invalidFormat(`${name} must be 'YYYY-MM-DD', got '${raw}'`)
  return raw
}

/** A comma-separated list of known names, matched case-insensitively; an unknown one → 400 code 45. */
export function parseNames<T extends string>(
  url: URL,
  name: string,
  known: readonly T[],
  fallback: string,
): T[] {
  return (url.searchParams.get(name) ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const match = known.find((k) => k.toLowerCase() === s.toLowerCase())
      if (match === undefined) throw invalidRequest(`Unknown ${name} '${s}'; use ${known.join(', ')}`)
      return match
    })
}

/** `sortOrder`, default descending, as the sign a comparison is multiplied by; else 400 code 45. */
export function parseSortSign(url: URL): 1 | -1 {
  const order = (url.searchParams.get('sortOrder') ?? 'descending').toLowerCase()
  if (order !== 'ascending' && order !== 'descending')
    throw invalidRequest("sortOrder must be 'ascending' or 'descending'")
  return order === 'ascending' ? 1 : -1
}

/** One kind of document in a sales list: its rows and how a row reads as a list item. */
export interface SalesSource<D> {
  rows: readonly Row<D>[]
  /** The document's date and status, before the item is built (the date filter needs them). */
  dateOf(row: Row<D>): { Date: string; Draft: boolean }
  item(row: Row<D>): SalesListItem
}

/** Answers a sales list over `sources` (invoices, credit notes, or both). */
export function salesList(
  ctx: DineroContext,
  url: URL,
  fieldSpec: FieldSpec,
  // biome-ignore lint/suspicious/noExplicitAny: each source keeps its own row type.
  sources: readonly SalesSource<any>[],
): Response {
  const { fields, conditions, changesSince, deletedOnly, search, paging } = parseListQuery(
    url,
    fieldSpec,
    FILTERABLE,
    ctx.deviations,
  )
  const startDate = parseDay(url, 'startDate')
  const endDate = parseDay(url, 'endDate')
  if ((startDate === undefined) !== (endDate === undefined))
    throw invalidRequest('If you define a start date, you also need to define an end date')
  const statuses: string[] = parseNames(url, 'statusFilter', STATUSES, '')
  const sortKeys = parseNames(url, 'sort', SORT_KEYS, 'VoucherNumber,VoucherDate')
  const sign = parseSortSign(url)

  const inPeriod = (d: { Date: string; Draft: boolean }) =>
    startDate === undefined || endDate === undefined || d.Draft || (d.Date >= startDate && d.Date <= endDate)
  const items = sources
    .flatMap((source) =>
      source.rows
        .filter((row) => passesLifecycle(row, deletedOnly, changesSince) && inPeriod(source.dateOf(row)))
        .map((row) => ({ createdAt: row.createdAt, item: source.item(row) })),
    )
    .filter(({ item }) => statuses.length === 0 || statuses.includes(item.Status))
    .filter(({ item }) => matchesFilter(item, conditions))
    .filter(
      ({ item }) =>
        search === '' ||
        [item.Number === LONG_MAX ? '' : item.Number, item.ContactName, item.Description, item.TotalInclVat]
          .join('\n')
          .toLowerCase()
          .includes(search),
    )
    .sort((a, b) => {
      for (const key of sortKeys) {
        let c = 0
        if (key === 'VoucherNumber') c = sign * (a.item.Number - b.item.Number)
        else if (key === 'VoucherDate') c = sign * a.item.Date.localeCompare(b.item.Date)
        else if (key === 'Contact')
          c = sign * (a.item.ContactName ?? '').localeCompare(b.item.ContactName ?? '')
        else c = STATUS_ORDER.indexOf(a.item.Status) - STATUS_ORDER.indexOf(b.item.Status)
        if (c !== 0) return c
      }
      return sign * (a.createdAt - b.createdAt)
    })
    .map(({ item }) => item)
  const page = paginate(items, paging)
  return dineroJson({ ...page, Collection: page.Collection.map((i) => project(i, fields)) })
}

import type { Route } from '../routes.ts'
import { dineroJson, LONG_MAX } from './body.ts'
import type { DineroContext } from './context.ts'
import { creditNoteListItem } from './credit-notes.ts'
import { orgRoute } from './endpoint.ts'
import { invalidFormat, invalidRequest } from './errors.ts'
import { invoiceReadModel } from './invoices.ts'
import {
  type FieldSpec,
  matchesFilter,
  paginate,
  parseChangesSince,
  parseDeletedOnly,
  parsePaging,
  parseQueryFilter,
  passesLifecycle,
  project,
  selectFields,
} from './query.ts'

/**
 * Sales (dinero-openapi), hand-written:
 * - GET /v1/:org/sales "List invoices and credit notes": `SalesVoucherReadListModelDineroCollection`
 *   with the invoice list's parameters — `fields` (default `Guid,ContactName,Date,Description,Type`),
 *   `startDate`/`endDate` (YYYY-MM-DD, both or neither → else 400 code 45; drafts unaffected),
 *   `statusFilter`, `queryFilter` (ExternalReference, ContactGuid, Description → else 400 code 46),
 *   `freeTextSearch`, `changesSince`, `deletedOnly`, `sort`/`sortOrder` (default
 *   VoucherNumber,VoucherDate descending), `page`/`pageSize` as every paged list (query.ts: at most
 *   1000, else 400 code 45); each item's `Type` says Invoice or CreditNote;
 * - GET /v1/:org/sales/settings → SalesVoucherSetttingsModel: the defaults a new invoice gets here
 *   (invoices.ts): lines excl. VAT, Netto 8 days, the chart's default sales account.
 * assumption: open-dinero-unlisted-responses — the settings' FIK, template, PDF-attachment and
 * reminder values are not published: no FIK, no template, the PDF attached, reminder fee 100 DKK
 * (the most Danish law allows, dk-renteloven §9 b) and no interest; the list holds the invoices and the
 * credit notes (credit-notes.ts).
 */
const FIELDS: FieldSpec = {
  defaults: 'Guid,ContactName,Date,Description,Type',
  allowed: [
    'Type',
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
    'MailOutStatus',
    'LatestMailOutType',
    'TotalExclVatInDkk',
    'TotalInclVatInDkk',
    'TotalExclVat',
    'TotalInclVat',
    'CreatedAt',
    'UpdatedAt',
    'DeletedAt',
  ],
}
const FILTERABLE = ['ExternalReference', 'ContactGuid', 'Description'] as const
const STATUSES = ['Draft', 'Booked', 'Paid', 'OverPaid', 'Overdue'] as const
const STATUS_ORDER = ['Draft', 'Overdue', 'Booked', 'OverPaid', 'Paid']
const SORT_KEYS = ['VoucherNumber', 'VoucherDate', 'Status', 'Contact'] as const

function day(url: URL, name: string): string | undefined {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return undefined
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)))
    throw invalidFormat(`${name} must be 'YYYY-MM-DD', got '${raw}'`)
  return raw
}

function names<T extends string>(url: URL, name: string, known: readonly T[], fallback: string): T[] {
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

interface Item {
  Number: number
  Date: string
  Status: string
  ContactName: string | null
  Description: string
  TotalInclVat: number
  [key: string]: unknown
}

export function salesRoutes(ctx: DineroContext): Route[] {
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales/settings', ({ org }) => {
      const chart = ctx.store.entryAccounts(org.Id)
      const sales = chart.find((a) => a.IsDefaultSalesAccount) ?? chart.find((a) => a.Category === 'Turnover')
      return dineroJson({
        LinesInclVat: false,
        FikCode: null,
        UseFikCode: false,
        DefaultAccountNumber: sales?.AccountNumber ?? 1000,
        InvoiceTemplateId: null,
        AddVoucherAsPdfAttachment: true,
        ReminderFee: 100,
        ReminderInterestRate: 0,
        TrustPilotEmail: null,
        PaymentConditionNumberOfDays: 8,
        PaymentConditionType: 'Netto',
      })
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales', ({ req, org }) => {
      const url = req.url
      const fields = selectFields(url, FIELDS, ctx.deviations)
      const startDate = day(url, 'startDate')
      const endDate = day(url, 'endDate')
      if ((startDate === undefined) !== (endDate === undefined))
        throw invalidRequest('If you define a start date, you also need to define an end date')
      const statuses = names(url, 'statusFilter', STATUSES, '')
      const sortKeys = names(url, 'sort', SORT_KEYS, 'VoucherNumber,VoucherDate')
      const order = (url.searchParams.get('sortOrder') ?? 'descending').toLowerCase()
      if (order !== 'ascending' && order !== 'descending')
        throw invalidRequest("sortOrder must be 'ascending' or 'descending'")
      const conditions = parseQueryFilter(url.searchParams.get('queryFilter'), FILTERABLE)
      const changesSince = parseChangesSince(url)
      const deletedOnly = parseDeletedOnly(url, false)
      const search = url.searchParams.get('freeTextSearch')?.toLowerCase() ?? ''
      const paging = parsePaging(url, ctx.deviations)
      const sign = order === 'ascending' ? 1 : -1

      // Credit notes are listed with the invoices (Type CreditNote), filtered the same way.
      const creditNotes = ctx.store
        .creditNotes(org.Id)
        .all()
        .filter((row) => passesLifecycle(row, deletedOnly, changesSince))
        .filter(
          (row) =>
            startDate === undefined ||
            endDate === undefined ||
            row.data.Status === 'Draft' ||
            (row.data.Date >= startDate && row.data.Date <= endDate),
        )
        .map((row) => ({ createdAt: row.createdAt, item: creditNoteListItem(ctx, org, row) }))
      const items = ctx.store
        .invoices(org.Id)
        .all()
        .filter((row) => passesLifecycle(row, deletedOnly, changesSince))
        .filter(
          (row) =>
            startDate === undefined ||
            endDate === undefined ||
            row.data.Status === 'Draft' ||
            (row.data.Date >= startDate && row.data.Date <= endDate),
        )
        .map((row) => {
          const m = invoiceReadModel(ctx, org, row)
          const item: Item = {
            Number: m.Number,
            Guid: m.Guid,
            ExternalReference: m.ExternalReference,
            Date: m.Date,
            PaymentDate: m.PaymentDate,
            Description: m.Description,
            Status: m.PaymentStatus,
            Type: 'Invoice',
            ContactName: m.ContactName,
            ContactGuid: m.ContactGuid,
            TotalInclVat: m.TotalInclVat,
            TotalExclVat: m.TotalExclVat,
            // assumption: no exchange rates are modelled; foreign-currency totals count 1:1 in DKK.
            TotalInclVatInDkk: m.TotalInclVat,
            TotalExclVatInDkk: m.TotalExclVat,
            MailOutStatus: m.MailOutStatus,
            LatestMailOutType: m.LatestMailOutType,
            Currency: m.Currency,
            CreatedAt: m.CreatedAt,
            UpdatedAt: m.UpdatedAt,
            DeletedAt: m.DeletedAt,
          }
          return { createdAt: row.createdAt, item }
        })
        .concat(creditNotes)
        .filter(({ item }) => statuses.length === 0 || (statuses as string[]).includes(item.Status))
        .filter(({ item }) => matchesFilter(item, conditions))
        .filter(
          ({ item }) =>
            search === '' ||
            [
              item.Number === LONG_MAX ? '' : item.Number,
              item.ContactName,
              item.Description,
              item.TotalInclVat,
            ]
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
    }),
  ]
}

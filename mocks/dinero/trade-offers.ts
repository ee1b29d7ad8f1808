import { randomUUID } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, errorMap, optionalTimestamp, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { ApiMailoutModel } from './contract/index.ts'
import {
  TradeOfferCreateFetchModel,
  TradeOfferCreateModel,
  TradeOfferUpdateModel,
} from './contract/trade-offers.ts'
import { documentFields, mailOutState, namedContact, storedLines, storedTexts } from './documents.ts'
import { orgRoute } from './endpoint.ts'
import { invalidRequest, validationError } from './errors.ts'
import { checkVersion, documentTitle, listMailouts, mailTemplate, sendMail } from './mailouts.ts'
import { acceptsPdf, documentLines, pdfResponse } from './pdf.ts'
import {
  dateTime,
  type FieldSpec,
  isoDay,
  matchesFilter,
  paginate,
  parseListQuery,
  passesLifecycle,
  project,
  recordStamps,
} from './query.ts'
import { resource } from './resource.ts'
import { parseNames, parseSortSign } from './sales-list.ts'
import type { InvoiceData, Organisation, Row, TradeOfferData } from './store.ts'

/**
 * Trade offers ("tilbud", dinero-openapi), all ten operations of the tag, hand-written:
 * - POST /v1/:org/tradeoffers `TradeOfferCreateModel` (ContactGuid required) → CreatedResponseModel;
 *   numbered when created (TradeOfferReadModel.Number); no lines → 400 code 45 as for invoices;
 * - GET /v1/:org/tradeoffers → TradeOfferReadModelDineroCollection: `fields` (default
 *   `guid,contactName,date,description`), `queryFilter` (ExternalReference, ContactName, Address,
 *   Comment, Description, HasGeneratedAnyVouchers, Currency, Date, Number), `changesSince`,
 *   `deletedOnly`, `freeTextSearch`, paging, `sort` (TradeOfferNumber, TradeOfferDate, Status,
 *   ContactName; default TradeOfferNumber), `sortOrder` (default descending);
 * - POST …/fetch `TradeOfferCreateFetchModel` → TradeOfferFetchReadModel: the totals, nothing stored;
 * - GET …/:guid → TradeOfferReadModel (`TimeStamp`), or the PDF when Accept asks for one;
 * - PUT /v1.2/…/:guid `TradeOfferUpdateModel` → UpdatedResponseModel; DELETE …/:guid
 *   `TimestampObject (optional)` → soft delete; a stale Timestamp → 400 code 58;
 * - GET …/:guid/email/template, POST …/:guid/email `ApiMailoutModel` → EmailSentModel (recorded,
 *   nothing sent; mailouts.ts), GET …/:guid/mailouts;
 * - POST …/:guid/generate-invoice `TimestampObject (optional)`: "Generates invoice draft; triggers
 *   a new timestamp on the trade offer" → CreatedResponseModel of the new draft invoice, which has
 *   the offer's contact, lines, currency, language and texts; the offer lists it in
 *   GeneratedVouchers and becomes `Invoiced`.
 * Amounts are the invoices' (pricing.ts); contacts, products and accounts named must exist
 * (400 code 42 naming the property).
 */
const LIST_FIELDS: FieldSpec = {
  defaults: 'guid,contactName,date,description',
  allowed: [
    'Number',
    'Guid',
    'TimeStamp',
    'ContactGuid',
    'ContactName',
    'Status',
    'MailOutStatus',
    'LatestMailOutType',
    'HasGeneratedAnyVouchers',
    'GeneratedVouchers',
    'History',
    'ShowLinesInclVat',
    'TotalExclVat',
    'TotalVatableAmount',
    'TotalInclVat',
    'TotalNonVatableAmount',
    'TotalVat',
    'TotalLines',
    'InvoiceTemplateId',
    'Currency',
    'Language',
    'ExternalReference',
    'Description',
    'Comment',
    'Date',
    'ProductLines',
    'Address',
    'CreatedAt',
    'UpdatedAt',
    'DeletedAt',
  ],
}

const FILTERABLE = [
  'ExternalReference',
  'ContactName',
  'Address',
  'Comment',
  'Description',
  'HasGeneratedAnyVouchers',
  'Currency',
  'Date',
  'Number',
] as const
const SORT_KEYS = ['TradeOfferNumber', 'TradeOfferDate', 'Status', 'ContactName'] as const

type Body = Omit<TradeOfferCreateModel, 'ContactGuid'> & { ContactGuid?: string | null | undefined }

export function tradeOfferRoutes(ctx: DineroContext): Route[] {
  const offers = resource(ctx, 'Trade offer', (id) => ctx.store.tradeOffers(id))
  const invoices = resource(ctx, 'Invoice', (id) => ctx.store.invoices(id))

  const contactName = (org: Organisation, guid: string | null) =>
    guid === null ? null : (ctx.store.contacts(org.Id).get(guid)?.data.Name ?? null)

  /** The offer's document fields (shared by the read model and the totals preview). */
  const document = (
    org: Organisation,
    d: Omit<TradeOfferData, 'ContactGuid'> & { ContactGuid: string | null },
  ) => ({
    Number: d.Number,
    ContactGuid: d.ContactGuid,
    ContactName: contactName(org, d.ContactGuid),
    ...documentFields(ctx, org, d),
  })

  const readModel = (org: Organisation, row: Row<TradeOfferData>) => {
    const doc = document(org, row.data)
    return {
      ...doc,
      ContactGuid: row.data.ContactGuid,
      HasGeneratedAnyVouchers: row.data.GeneratedVouchers.length > 0,
      Status: row.data.Status,
      ...mailOutState(ctx, org, row.guid),
      GeneratedVouchers: row.data.GeneratedVouchers,
      History: [
        {
          Status: row.data.Status,
          UpdatedAt: dateTime(row.updatedAt),
          TradeOfferEmailSentAt: row.data.EmailSentAt === null ? null : dateTime(row.data.EmailSentAt),
          ConfirmationEmailSentAt: null,
          TotalInclVat: doc.TotalInclVat,
          Currency: row.data.Currency,
        },
      ],
      Guid: row.guid,
      TimeStamp: row.version,
      ...recordStamps(row),
    }
  }

  /** The stored offer for a body, checking what it refers to (400 code 42). */
  const offerData = (
    org: Organisation,
    body: Body,
    number: number,
  ): TradeOfferData & { ContactGuid: string } => {
    if (body.ProductLines.length === 0) throw invalidRequest('Trade offers must have at least one line')
    const errors = errorMap()
    const contact = namedContact(ctx, org, body.ContactGuid, errors)
    const lines = storedLines(ctx, org, body.ProductLines, errors)
    if (Object.keys(errors).length > 0) throw validationError(errors)
    return {
      Number: number,
      Status: 'Draft',
      ContactGuid: contact?.guid ?? '',
      ...storedTexts(ctx, body, { Currency: 'DKK', Language: 'da-DK' }, ['Offer', 'Tilbud']),
      ProductLines: lines,
      GeneratedVouchers: [],
      EmailSentAt: null,
    }
  }

  const nextNumber = (org: Organisation) => offers.nextNumber(org, (d) => d.Number, undefined, 'Trade offer')

  /** The draft invoice an offer becomes: its contact (and their payment terms), lines and texts. */
  const invoiceFrom = (org: Organisation, offer: TradeOfferData): InvoiceData => {
    const contact = ctx.store.contacts(org.Id).get(offer.ContactGuid)
    const type = contact?.data.PaymentConditionType ?? 'Netto'
    return {
      Number: null,
      Status: 'Draft',
      ContactGuid: offer.ContactGuid,
      Date: isoDay(ctx.clock.now()),
      PaymentConditionType: type,
      PaymentConditionNumberOfDays:
        type === 'NettoCash' ? 0 : (contact?.data.PaymentConditionNumberOfDays ?? 8),
      Currency: offer.Currency,
      Language: offer.Language,
      ExternalReference: offer.ExternalReference,
      Description: offer.Language === 'en-GB' ? 'Invoice' : 'Faktura',
      Comment: offer.Comment,
      Address: offer.Address,
      ShowLinesInclVat: offer.ShowLinesInclVat,
      InvoiceTemplateId: offer.InvoiceTemplateId,
      IsMobilePayInvoiceEnabled: false,
      IsPensoPayEnabled: false,
      ProductLines: ctx.deviations.has('dinero.generate-invoice-drops-lines')
        ? []
        : offer.ProductLines.map((l) => ({ ...l })),
      Payments: [],
    }
  }

  const about = (row: Row<TradeOfferData>) => ({
    voucherGuid: row.guid,
    type: 'TradeOffer' as const,
    contactGuid: row.data.ContactGuid,
    title: documentTitle(row.data.Language, 'TradeOffer', row.data.Number),
  })

  const list = (org: Organisation, url: URL) => {
    const { fields, conditions, changesSince, deletedOnly, search, paging } = parseListQuery(
      url,
      LIST_FIELDS,
      FILTERABLE,
      ctx.deviations,
    )
    const sortKeys = parseNames(url, 'sort', SORT_KEYS, 'TradeOfferNumber')
    const sign = parseSortSign(url)
    const items = ctx.store
      .tradeOffers(org.Id)
      .all()
      .filter((row) => passesLifecycle(row, deletedOnly, changesSince))
      .map((row) => readModel(org, row))
      .filter((item) => matchesFilter(item, conditions))
      .filter(
        (item) =>
          search === '' ||
          [item.Number, item.ContactName, item.Description, item.TotalInclVat]
            .join('\n')
            .toLowerCase()
            .includes(search),
      )
      .sort((a, b) => {
        for (const key of sortKeys) {
          const c =
            key === 'TradeOfferNumber'
              ? a.Number - b.Number
              : key === 'TradeOfferDate'
                ? a.Date.localeCompare(b.Date)
                : key === 'Status'
                  ? a.Status.localeCompare(b.Status)
                  : (a.ContactName ?? '').localeCompare(b.ContactName ?? '')
          if (c !== 0) return sign * c
        }
        return 0
      })
    const page = paginate(items, paging)
    return { ...page, Collection: page.Collection.map((i) => project(i, fields)) }
  }

  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/tradeoffers', ({ req, org }) => dineroJson(list(org, req.url))),
    orgRoute(ctx, 'POST', '/v1/:organizationId/tradeoffers', async ({ req, org }) => {
      const body = validate(TradeOfferCreateModel, await readJson(req.request), 'TradeOfferCreateModel')
      const data = offerData(org, body, nextNumber(org))
      const row = offers.table(org).insert(body.Guid ?? randomUUID(), data)
      if (row === undefined) throw validationError({ Guid: 'A trade offer with this Guid already exists' })
      req.note({ tradeOfferGuid: row.guid })
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/tradeoffers/fetch', async ({ req, org }) => {
      const raw = await readJson(req.request)
      const body = validate(TradeOfferCreateFetchModel, raw, 'TradeOfferCreateFetchModel')
      const data = offerData(org, body, nextNumber(org))
      return dineroJson(
        document(org, { ...data, ContactGuid: body.ContactGuid == null ? null : data.ContactGuid }),
      )
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/tradeoffers/:guid', ({ req, org }) => {
      const row = offers.find(org, req.params.guid)
      const model = readModel(org, row)
      if (acceptsPdf(req.request))
        return pdfResponse(
          req.request,
          documentTitle(row.data.Language, 'TradeOffer', row.data.Number),
          documentLines(model),
        )
      return dineroJson(model)
    }),
    orgRoute(ctx, 'PUT', '/v1.2/:organizationId/tradeoffers/:guid', async ({ req, org }) => {
      const body = validate(TradeOfferUpdateModel, await readJson(req.request), 'TradeOfferUpdateModel')
      const current = offers.live(org, req.params.guid, 'TradeOfferGuid')
      const { Timestamp, ...fields } = body
      const data = offerData(org, fields, current.data.Number)
      const row = offers.modify(org, current.guid, Timestamp, (r) => ({
        data: {
          ...data,
          Status: r.data.Status,
          GeneratedVouchers: r.data.GeneratedVouchers,
          EmailSentAt: r.data.EmailSentAt,
        },
      }))
      return dineroJson({ Guid: row.guid, TimeStamp: row.version })
    }),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/tradeoffers/:guid', async ({ req, org }) => {
      const body = await optionalTimestamp(req.request)
      const current = offers.live(org, req.params.guid, 'TradeOfferGuid')
      offers.modify(org, current.guid, body.Timestamp, () => ({ deletedAt: ctx.clock.now() }))
      return emptyOk()
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/tradeoffers/:guid/email/template', ({ req, org }) =>
      dineroJson(mailTemplate(ctx, org, about(offers.live(org, req.params.guid, 'TradeOfferGuid')))),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/tradeoffers/:guid/email', async ({ req, org }) => {
      const body = validate(ApiMailoutModel, await readJson(req.request), 'ApiMailoutModel')
      const current = offers.live(org, req.params.guid, 'TradeOfferGuid')
      checkVersion(ctx, current.version, body.Timestamp)
      const sent = sendMail(ctx, org, about(current), body)
      offers.modify(org, current.guid, undefined, (r) => ({
        data: { ...r.data, EmailSentAt: ctx.clock.now() },
      }))
      return dineroJson(sent)
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/tradeoffers/:guid/mailouts', ({ req, org }) =>
      dineroJson(listMailouts(ctx, org, offers.find(org, req.params.guid).guid, req.url)),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/tradeoffers/:guid/generate-invoice', async ({ req, org }) => {
      const body = await optionalTimestamp(req.request)
      const current = offers.live(org, req.params.guid, 'TradeOfferGuid')
      let invoice: Row<InvoiceData> | undefined
      // The invoice is made inside the offer's compare-and-set, so a stale offer makes none.
      offers.modify(org, current.guid, body.Timestamp, (r) => {
        invoice = invoices.table(org).insert(randomUUID(), invoiceFrom(org, r.data))
        if (invoice === undefined) throw invalidRequest('The invoice could not be created')
        return {
          data: {
            ...r.data,
            Status: 'Invoiced',
            GeneratedVouchers: [...r.data.GeneratedVouchers, invoice.guid],
          },
        }
      })
      if (invoice === undefined) throw invalidRequest('The invoice could not be created')
      req.note({ invoiceGuid: invoice.guid })
      return dineroJson({ Guid: invoice.guid, TimeStamp: invoice.version })
    }),
  ]
}

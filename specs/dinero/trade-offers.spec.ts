import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CreatedResponseModel,
  DineroErrorBody,
  EmailSentModel,
  generated,
  InvoiceReadModel,
  UpdatedResponseModel,
} from '../../mocks/dinero/contract/index.ts'
import { TradeOfferFetchReadModel, TradeOfferReadModel } from '../../mocks/dinero/contract/trade-offers.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { type Reply, TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { createsThenUpdates, judged, maybe, num, property } from '../support/dinero-properties.ts'
import { dineroSuite, SAMPLE_LINE } from '../support/dinero-session.ts'

/**
 * dinero-openapi (TradeOffers), dinero-api-errors: create → read (totals as invoices) → update
 * with Timestamp → e-mail → generate a draft invoice; the list's parameters; bodies checked
 * against the models before anything is stored.
 */
const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:1`)
const CONTACT_EMAIL = 'kontakt@havblik001aps.dk'
const errorOf = (reply: Reply) => DineroErrorBody.parse(JSON.parse(reply.text))
const line = SAMPLE_LINE
const offer = {
  ContactGuid: CONTACT,
  Date: '2026-01-15',
  Description: 'Tilbud på rådgivning',
  ProductLines: [line],
}

describe.each(TARGET_KINDS)('trade offer lifecycle (%s)', (kind) => {
  const api = dineroSuite(kind)
  let guid: string
  let first: string
  let second: string

  it('200 on POST /v1/:org/tradeoffers creates an offer and returns {Guid, TimeStamp} (16 hex digits)', async () => {
    const reply = await api.post(`/v1/${ORG}/tradeoffers`, offer)
    expect(reply.status).toBe(200)
    const created = CreatedResponseModel.parse(reply.json())
    expect(created.TimeStamp).toMatch(/^[0-9A-F]{16}$/)
    guid = created.Guid
    first = created.TimeStamp ?? ''
  })

  it('200 on GET …/:guid: TradeOfferReadModel, Draft, numbered after the seeded two, totals as on an invoice', async () => {
    const reply = await api.get(`/v1/${ORG}/tradeoffers/${guid}`)
    expect(reply.status).toBe(200)
    const read = TradeOfferReadModel.parse(reply.json())
    expect(read).toMatchObject({
      Guid: guid,
      TimeStamp: first,
      Number: 3,
      Status: 'Draft',
      ContactGuid: CONTACT,
      HasGeneratedAnyVouchers: false,
      GeneratedVouchers: [],
      TotalExclVat: 1800,
      TotalVat: 450,
      TotalInclVat: 2250,
      MailOutStatus: 'NotSent',
    })
    expect(read.ProductLines[0]).toMatchObject({ TotalAmount: 1800, TotalAmountInclVat: 2250 })
  })

  it('200 on POST …/tradeoffers/fetch: the same totals, and nothing is stored', async () => {
    const count = async () =>
      (await api.get(`/v1/${ORG}/tradeoffers?pageSize=1`)).json<{
        Pagination: { ResultWithoutFilter: number }
      }>().Pagination.ResultWithoutFilter
    const before = await count()
    const reply = await api.post(`/v1/${ORG}/tradeoffers/fetch`, { ProductLines: [line] })
    expect(reply.status).toBe(200)
    const fetched = TradeOfferFetchReadModel.parse(reply.json())
    expect(fetched).toMatchObject({ TotalExclVat: 1800, TotalInclVat: 2250, ContactGuid: null })
    expect(await count()).toBe(before)
  })

  it('200 on PUT /v1.2/…/:guid with the current Timestamp: UpdatedResponseModel with a new TimeStamp', async () => {
    const reply = await api.put(`/v1.2/${ORG}/tradeoffers/${guid}`, {
      ...offer,
      Timestamp: first,
      ProductLines: [{ ...line, Quantity: 3 }],
    })
    expect(reply.status).toBe(200)
    const updated = UpdatedResponseModel.parse(reply.json())
    expect(updated.TimeStamp).not.toBe(first)
    second = updated.TimeStamp ?? ''
    const read = TradeOfferReadModel.parse((await api.get(`/v1/${ORG}/tradeoffers/${guid}`)).json())
    expect(read).toMatchObject({ Number: 3, TotalExclVat: 2700 })
  })

  it('400 code 58 on PUT with the now stale Timestamp, and the offer is unchanged', async () => {
    const reply = await api.put(`/v1.2/${ORG}/tradeoffers/${guid}`, { ...offer, Timestamp: first })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe(58)
    const read = TradeOfferReadModel.parse((await api.get(`/v1/${ORG}/tradeoffers/${guid}`)).json())
    expect(read.TimeStamp).toBe(second)
  })

  it('400 code 58 on POST …/generate-invoice with a stale Timestamp, and no invoice is made', async () => {
    const invoices = async () =>
      (await api.get(`/v1/${ORG}/invoices?pageSize=1`)).json<{
        Pagination: { ResultWithoutFilter: number }
      }>().Pagination.ResultWithoutFilter
    const before = await invoices()
    const reply = await api.post(`/v1/${ORG}/tradeoffers/${guid}/generate-invoice`, { Timestamp: first })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe(58)
    expect(await invoices()).toBe(before)
  })

  it('200 on POST …/generate-invoice: a draft invoice with the offer’s contact and lines; the offer lists it, is Invoiced and has a new TimeStamp', async () => {
    const reply = await api.post(`/v1/${ORG}/tradeoffers/${guid}/generate-invoice`, { Timestamp: second })
    expect(reply.status).toBe(200)
    const created = CreatedResponseModel.parse(reply.json())
    const invoice = InvoiceReadModel.parse((await api.get(`/v1/${ORG}/invoices/${created.Guid}`)).json())
    expect(invoice).toMatchObject({ Status: 'Draft', ContactGuid: CONTACT, TotalExclVat: 2700 })
    expect(invoice.ProductLines).toEqual([
      expect.objectContaining({
        Description: 'Rådgivning',
        Quantity: 3,
        BaseAmountValue: 1000,
        Discount: 10,
      }),
    ])
    const read = TradeOfferReadModel.parse((await api.get(`/v1/${ORG}/tradeoffers/${guid}`)).json())
    expect(read).toMatchObject({
      Status: 'Invoiced',
      HasGeneratedAnyVouchers: true,
      GeneratedVouchers: [created.Guid],
    })
    expect(read.TimeStamp).not.toBe(second)
  })

  it('200 on GET …/email/template: the contact’s e-mail, the organisation’s, subject "Tilbud 3" and a [link-to-pdf]', async () => {
    const reply = await api.get(`/v1/${ORG}/tradeoffers/${guid}/email/template`)
    expect(reply.status).toBe(200)
    const template = generated.schema('MailoutTemplateReadModel').parse(reply.json())
    expect(template).toMatchObject({
      Receiver: CONTACT_EMAIL,
      Sender: 'regnskab@example.dk',
      Subject: 'Tilbud 3',
    })
    expect((template as { Message: string }).Message).toContain('[link-to-pdf]')
  })

  it('200 on POST …/email: EmailSentModel naming the contact (and the sender on CC); GET …/mailouts lists it; nothing is sent', async () => {
    const reply = await api.post(`/v1/${ORG}/tradeoffers/${guid}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
      CcToSender: true,
    })
    expect(reply.status).toBe(200)
    expect(EmailSentModel.parse(reply.json()).Recipients).toEqual([
      { Email: CONTACT_EMAIL },
      { Email: 'regnskab@example.dk' },
    ])
    const mailouts = (await api.get(`/v1/${ORG}/tradeoffers/${guid}/mailouts`)).json<unknown[]>()
    expect(mailouts).toHaveLength(1)
    expect(generated.schema('VoucherMailoutReadModel').parse(mailouts[0])).toMatchObject({
      Id: 1,
      Type: 'TradeOffer',
      Receiver: CONTACT_EMAIL,
      Subject: 'Tilbud 3',
      IsSmsMessage: false,
      CCToSender: true,
    })
    const read = TradeOfferReadModel.parse((await api.get(`/v1/${ORG}/tradeoffers/${guid}`)).json())
    expect(read).toMatchObject({ MailOutStatus: 'Sent', LatestMailOutType: 'TradeOffer' })
  })

  it('200 on DELETE …/:guid with the current Timestamp: gone from the list, listed with deletedOnly=true', async () => {
    const current = TradeOfferReadModel.parse((await api.get(`/v1/${ORG}/tradeoffers/${guid}`)).json())
    const reply = await api.delete(`/v1/${ORG}/tradeoffers/${guid}`, { Timestamp: current.TimeStamp })
    expect(reply.status).toBe(200)
    const guids = async (q: string) =>
      (await api.get(`/v1/${ORG}/tradeoffers?fields=Guid${q}`))
        .json<{ Collection: { Guid: string }[] }>()
        .Collection.map((o) => o.Guid)
    expect(await guids('')).not.toContain(guid)
    expect(await guids('&deletedOnly=true')).toContain(guid)
  })
})

describe('trade offer requests Dinero refuses (in-process)', () => {
  const api = dineroSuite('in-process')

  it('400 code 45 on POST without product lines', async () => {
    const reply = await api.post(`/v1/${ORG}/tradeoffers`, { ...offer, ProductLines: [] })
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toMatchObject({ code: 45, message: 'Trade offers must have at least one line' })
  })

  it('400 code 42 naming ContactGuid on POST without one (required on create)', async () => {
    const { ContactGuid: _contact, ...rest } = offer
    const reply = await api.post(`/v1/${ORG}/tradeoffers`, rest)
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toMatchObject({ code: 42, validationErrors: { ContactGuid: expect.any(String) } })
  })

  it('400 code 42 naming ContactGuid for a contact that does not exist', async () => {
    const reply = await api.post(`/v1/${ORG}/tradeoffers`, { ...offer, ContactGuid: seededGuid('nobody') })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).validationErrors).toHaveProperty('ContactGuid')
  })

  it('400 code 42 on an unknown property (every request model is additionalProperties: false)', async () => {
    const reply = await api.post(`/v1/${ORG}/tradeoffers`, { ...offer, PaymentConditionType: 'Netto' })
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toMatchObject({
      code: 42,
      validationErrors: { PaymentConditionType: expect.any(String) },
    })
  })

  it('400 code 44 on a body that is not JSON', async () => {
    const reply = await api.raw('POST', `/v1/${ORG}/tradeoffers`, '{"ContactGuid":')
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe(44)
  })

  it('404 code 40 on GET an offer that does not exist', async () => {
    const reply = await api.get(`/v1/${ORG}/tradeoffers/${seededGuid('no offer')}`)
    expect(reply.status).toBe(404)
    expect(errorOf(reply).code).toBe(40)
  })

  it('400 code 55 on POST …/email when the contact has no e-mail and no Receiver is given', async () => {
    const contact = await api.post(`/v1/${ORG}/contacts`, {
      Name: 'Uden Mail ApS',
      CountryKey: 'DK',
      IsPerson: false,
      IsMember: false,
      UseCvr: false,
    })
    const ContactGuid = contact.json<{ ContactGuid: string }>().ContactGuid
    const created = (await api.post(`/v1/${ORG}/tradeoffers`, { ...offer, ContactGuid })).json<{
      Guid: string
    }>()
    const reply = await api.post(`/v1/${ORG}/tradeoffers/${created.Guid}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
    })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe(55)
    const sent = await api.post(`/v1/${ORG}/tradeoffers/${created.Guid}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
      Receiver: 'a@example.dk, b@example.dk',
    })
    expect(EmailSentModel.parse(sent.json()).Recipients).toEqual([
      { Email: 'a@example.dk' },
      { Email: 'b@example.dk' },
    ])
  })

  it('400 code 42 on POST …/email with a Message without [link-to-pdf]', async () => {
    const reply = await api.post(`/v1/${ORG}/tradeoffers/${seededGuid(`${ORG}:trade-offer:0`)}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
      Message: 'Hej',
    })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe(42)
  })
})

describe('GET /v1/:org/tradeoffers parameters and the seeded offers (in-process)', () => {
  const api = dineroSuite('in-process')

  it('200 with the default fields guid, contactName, date, description, keyed as the default spells them', async () => {
    const reply = await api.get(`/v1/${ORG}/tradeoffers`)
    expect(reply.status).toBe(200)
    const body = reply.json<{
      Collection: Record<string, unknown>[]
      Pagination: { ResultWithoutFilter: number }
    }>()
    expect(Object.keys(body.Collection[0] ?? {})).toEqual(['guid', 'contactName', 'date', 'description'])
    expect(body.Pagination.ResultWithoutFilter).toBe(2)
  })

  it('200 sorted by TradeOfferNumber descending by default, ascending on request', async () => {
    const numbers = async (q: string) =>
      (await api.get(`/v1/${ORG}/tradeoffers?fields=Number${q}`))
        .json<{ Collection: { Number: number }[] }>()
        .Collection.map((o) => o.Number)
    expect(await numbers('')).toEqual([2, 1])
    expect(await numbers('&sortOrder=ascending')).toEqual([1, 2])
  })

  it("200 with queryFilter HasGeneratedAnyVouchers eq 'true': the seeded offer that became invoice 1’s draft", async () => {
    const reply = await api.get(
      `/v1/${ORG}/tradeoffers?fields=Number,Status,GeneratedVouchers&queryFilter=HasGeneratedAnyVouchers eq 'true'`,
    )
    expect(reply.json<{ Collection: unknown[] }>().Collection).toEqual([
      { Number: 2, Status: 'Invoiced', GeneratedVouchers: [seededGuid(`${ORG}:invoice:1`)] },
    ])
  })

  it('400 code 46 for a queryFilter on a field the list does not filter on', async () => {
    const reply = await api.get(`/v1/${ORG}/tradeoffers?queryFilter=ContactGuid eq 'x'`)
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe(46)
  })

  it('400 code 45 for an unknown sort key; 400 code 44 for a changesSince that is not UTC', async () => {
    const sort = await api.get(`/v1/${ORG}/tradeoffers?sort=Total`)
    expect([sort.status, errorOf(sort).code]).toEqual([400, 45])
    const since = await api.get(`/v1/${ORG}/tradeoffers?changesSince=yesterday`)
    expect([since.status, errorOf(since).code]).toEqual([400, 44])
  })

  it('200 with changesSince: only the offers changed since then', async () => {
    const all = await api.get(`/v1/${ORG}/tradeoffers?changesSince=2024-01-01T00:00:00Z`)
    expect(all.json<{ Collection: unknown[] }>().Collection).toHaveLength(2)
    const none = await api.get(`/v1/${ORG}/tradeoffers?changesSince=2099-01-01T00:00:00Z`)
    expect(none.json<{ Collection: unknown[] }>().Collection).toHaveLength(0)
  })
})

/**
 * dinero-openapi, open-dinero-amount-bounds: whatever trade offer body arrives, the answer is a 4xx
 * in Dinero's format or an offer that reads back through TradeOfferReadModel; never a 5xx.
 */
describe('trade offer create and update bodies under arbitrary input (in-process)', () => {
  const api = dineroSuite('in-process', { dinero: { rateLimitPerMinute: 0 } })
  const tradeOffers = {
    create: `/v1/${ORG}/tradeoffers`,
    read: (guid: string) => `/v1/${ORG}/tradeoffers/${guid}`,
    update: (guid: string) => `/v1.2/${ORG}/tradeoffers/${guid}`,
  }
  const offerLine = fc.record(
    {
      BaseAmountValue: maybe(num),
      Quantity: maybe(num),
      AccountNumber: maybe(fc.constantFrom(1000, 9999)),
      Discount: maybe(fc.double({ min: 0, max: 100, noNaN: true })),
      Description: maybe(fc.string({ maxLength: 8 })),
      LineType: maybe(fc.constantFrom('Product', 'Text', 'Other')),
    },
    { requiredKeys: [] },
  )
  const offerBody = fc.record(
    {
      ContactGuid: maybe(fc.constantFrom(CONTACT, '00000000-0000-0000-0000-000000000000', 'not-a-guid')),
      Date: maybe(fc.constantFrom('2024-02-29', '2024-13-01', '9999-12-31')),
      Language: maybe(fc.constantFrom('da-DK', 'en-GB', 'sv-SE')),
      ShowLinesInclVat: maybe(fc.boolean()),
      ExternalReference: maybe(fc.string({ maxLength: 140 })),
      ProductLines: maybe(fc.array(offerLine, { maxLength: 3 })),
      Nickname: fc.constant('x'),
    },
    { requiredKeys: [] },
  )

  it('POST and PUT v1.2 trade offers, and …/fetch: a 4xx in Dinero format or an offer that parses as TradeOfferReadModel', async () => {
    await property(offerBody, async (sent) => {
      await createsThenUpdates(api, tradeOffers, TradeOfferReadModel, sent)
      const fetched = await api.post(`/v1/${ORG}/tradeoffers/fetch`, sent)
      if (judged(fetched) === 'accepted')
        expect(TradeOfferFetchReadModel.safeParse(fetched.json()).success).toBe(true)
    })
  })
})

import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DineroErrorBody, EmailSentModel, generated } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { type Reply, startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { type DineroApi, dineroApi, tokenFor } from '../support/dinero-session.ts'
import { readPdf } from '../support/pdf-check.ts'

/**
 * dinero-openapi (Reminders, Invoices, Sms), dinero-api-errors: reminders of booked, overdue
 * invoices on the mock clock — at most three, ten days apart, drafts until booked, with fees from
 * the invoice's ReminderFee and ReminderInterestRate — and the invoice's e-mail, pre-reminder,
 * e-invoice, mailouts and SMS, accepted and recorded, never sent.
 */
const ORG = PRO_ORGANISATION_ID
const NOW = Date.UTC(2026, 0, 15, 12)
const DAY = 86_400_000
const ReminderViewModel = generated.schema('ReminderViewModel')
const errorOf = (reply: Reply) => DineroErrorBody.parse(JSON.parse(reply.text))
const line = {
  BaseAmountValue: 1000,
  Quantity: 1,
  AccountNumber: 1000,
  Discount: 0,
  Description: 'Rådgivning',
}
const terms = {
  WithDebtCollectionWarning: false,
  WithFee: true,
  WithInterestFee: true,
  WithCompensationFee: true,
}

interface View {
  Id: number | null
  Number: number
  Timestamp: string
  IsDraft: boolean
  Date: string
  FeeAmount: number
  InterestAmount: number | null
  CompensationFeeAmount: number
  CompensationFeeAvailable: boolean
  AccumulatedFeesAndInterestAmount: number
  ReminderTotalInclVatAmount: number
  PaidAmount: number
}

/** A mock on a frozen clock (2026-01-15), a session, and helpers for contacts and booked invoices. */
function reminderSuite(kind: Target['kind']) {
  const state: { target?: Target; api?: DineroApi } = {}
  beforeAll(async () => {
    state.target = await startTarget(kind, { clock: { start: NOW }, dinero: { rateLimitPerMinute: 0 } })
    state.api = dineroApi(state.target, await tokenFor(state.target))
  })
  afterAll(() => state.target?.close())
  const api = () => state.api!
  const contact = async (extra: Record<string, unknown> = {}) =>
    (
      await api().post(`/v1/${ORG}/contacts`, {
        Name: 'Rykker ApS',
        CountryKey: 'DK',
        IsPerson: false,
        IsMember: false,
        UseCvr: false,
        Email: 'bogholderi@rykker.dk',
        ...extra,
      })
    ).json<{ ContactGuid: string }>().ContactGuid
  /** A booked invoice of DKK 1,250 incl. VAT, dated `date`, due 8 days later. */
  const invoice = async (
    date: string,
    options: { book?: boolean; contact?: Record<string, unknown> } = {},
  ) => {
    const created = await api().post(`/v1/${ORG}/invoices`, {
      ContactGuid: await contact(options.contact),
      Date: date,
      PaymentConditionType: 'Netto',
      PaymentConditionNumberOfDays: 8,
      ReminderFee: 60,
      ReminderInterestRate: 2,
      ProductLines: [line],
    })
    const { Guid, TimeStamp } = created.json<{ Guid: string; TimeStamp: string }>()
    if (options.book === false) return { guid: Guid, version: TimeStamp }
    const booked = await api().post(`/v1/${ORG}/invoices/${Guid}/book`, { Timestamp: TimeStamp })
    return { guid: Guid, version: booked.json<{ TimeStamp: string }>().TimeStamp }
  }
  /** Moves the mock clock on; a new session, as access tokens live an hour. */
  const advance = async (days: number) => {
    state.target!.mock.clock.advance(days * DAY)
    state.api = dineroApi(state.target!, await tokenFor(state.target!))
  }
  return { api, invoice, contact, advance, target: () => state.target! }
}

describe.each(TARGET_KINDS)('reminders of an overdue invoice (%s)', (kind) => {
  const { api, invoice, advance, target } = reminderSuite(kind)
  let inv: { guid: string; version: string }
  let first: View
  const base = () => `/v1/${ORG}/invoices/${inv.guid}/reminders`
  const view = (reply: Reply) => {
    expect(reply.status, reply.text).toBe(200)
    return ReminderViewModel.parse(reply.json()) as View
  }

  it('400 code 45 on POST a reminder for a booked invoice that is not yet due', async () => {
    inv = await invoice('2026-01-10')
    const reply = await api().post(base(), { ...terms, Timestamp: inv.version, Date: '2026-01-15' })
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toMatchObject({ code: 45, message: expect.stringMatching(/not overdue/) })
  })

  it('200 on POST once the mock clock is past the due date: a draft, number 1, fee, interest and compensation fee', async () => {
    await advance(10)
    first = view(await api().post(base(), { ...terms, Timestamp: inv.version, Date: '2026-01-25' }))
    // Due 2026-01-18; 7 days late is one started month of 2 % on DKK 1,250; the business pays DKK 310 once.
    expect(first).toMatchObject({
      Id: 1,
      Number: 1,
      IsDraft: true,
      Date: '2026-01-25',
      FeeAmount: 60,
      InterestAmount: 25,
      CompensationFeeAvailable: true,
      CompensationFeeAmount: 310,
      AccumulatedFeesAndInterestAmount: 395,
      ReminderTotalInclVatAmount: 1645,
      PaidAmount: 0,
    })
  })

  it('400 code 58 on POST with a stale invoice Timestamp', async () => {
    const reply = await api().post(base(), {
      ...terms,
      WithCompensationFee: false,
      Timestamp: '0000000000000001',
      Date: '2026-02-05',
    })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe(58)
  })

  it('400 code 45 on POST a second reminder less than 10 days after the first', async () => {
    const reply = await api().post(base(), { ...terms, Timestamp: inv.version, Date: '2026-02-03' })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe(45)
  })

  it('200 on GET …/next: number 2, ten days after the first, no compensation fee left; nothing stored', async () => {
    const next = view(await api().get(`${base()}/next`))
    expect(next).toMatchObject({ Id: null, Number: 2, Date: '2026-02-04', CompensationFeeAvailable: false })
    expect(next.Timestamp).toBe(inv.version)
    expect((await api().get(base())).json<unknown[]>()).toHaveLength(1)
  })

  it('200 on POST …/fetch: the amounts of a reminder with those flags, nothing stored', async () => {
    const fetched = view(
      await api().post(`${base()}/fetch`, {
        ...terms,
        WithCompensationFee: false,
        WithInterestFee: false,
        Date: '2026-02-04',
      }),
    )
    expect(fetched).toMatchObject({
      Number: 2,
      FeeAmount: 60,
      InterestAmount: 0,
      AccumulatedFeesAndInterestAmount: 455,
    })
    expect((await api().get(base())).json<unknown[]>()).toHaveLength(1)
  })

  it('200 on PUT …/1 with its Timestamp; 400 code 58 with the stale one', async () => {
    const updated = view(
      await api().put(`${base()}/1`, {
        ...terms,
        WithFee: false,
        Timestamp: first.Timestamp,
        Date: '2026-01-25',
      }),
    )
    expect(updated).toMatchObject({ FeeAmount: 0, AccumulatedFeesAndInterestAmount: 335 })
    const stale = await api().put(`${base()}/1`, { ...terms, Timestamp: first.Timestamp, Date: '2026-01-25' })
    expect([stale.status, errorOf(stale).code]).toEqual([400, 58])
    first = updated
  })

  it('200 on POST …/1/book: no longer a draft; PUT on it afterwards → 400 code 45', async () => {
    const booked = view(await api().post(`${base()}/1/book`, { Timestamp: first.Timestamp }))
    expect(booked.IsDraft).toBe(false)
    const reply = await api().put(`${base()}/1`, {
      ...terms,
      Timestamp: booked.Timestamp,
      Date: '2026-01-25',
    })
    expect([reply.status, errorOf(reply).code]).toEqual([400, 45])
    first = booked
  })

  it('200 on GET …/1 as JSON, and as a valid PDF titled "Rykker 1" with Accept: application/octet-stream', async () => {
    expect(view(await api().get(`${base()}/1`)).Id).toBe(1)
    const res = await fetch(`${target().api}${base()}/1`, {
      headers: { authorization: `Bearer ${await tokenFor(target())}`, accept: 'application/octet-stream' },
    })
    expect(res.status).toBe(200)
    const pdf = readPdf(new Uint8Array(await res.arrayBuffer()))
    expect(pdf.texts[0]).toBe('Rykker 1')
    expect(pdf.texts).toContain('At betale: 1.585,00 DKK')
  })

  it('a third reminder is allowed, a fourth → 400 code 45 (up to three per invoice)', async () => {
    await advance(40)
    for (const date of ['2026-02-10', '2026-02-20']) {
      const made = await api().post(base(), {
        ...terms,
        WithCompensationFee: false,
        Timestamp: inv.version,
        Date: date,
      })
      expect(made.status, made.text).toBe(200)
    }
    const fourth = await api().post(base(), {
      ...terms,
      WithCompensationFee: false,
      Timestamp: inv.version,
      Date: '2026-03-05',
    })
    expect([fourth.status, errorOf(fourth).code]).toEqual([400, 45])
    const next = await api().get(`${base()}/next`)
    expect([next.status, errorOf(next).code]).toEqual([400, 45])
  })

  it('200 on DELETE …/3 with its Timestamp: listed no more, and a third may be added again', async () => {
    const third = view(await api().get(`${base()}/3`))
    expect((await api().delete(`${base()}/3`, { Timestamp: third.Timestamp })).status).toBe(200)
    expect((await api().get(base())).json<View[]>().map((r) => r.Id)).toEqual([1, 2])
    expect(view(await api().get(`${base()}/next`)).Number).toBe(3)
  })

  it('200 on POST …/email: the latest reminder e-mailed to the contact (EmailSentModel); the invoice’s mailouts list it', async () => {
    const template = await api().get(`${base()}/email/template`)
    expect(generated.schema('MailoutTemplateReadModel').parse(template.json())).toMatchObject({
      Subject: 'Rykker 2',
    })
    const sent = await api().post(`${base()}/email`, { ShouldAddTrustPilotEmailAsBcc: false })
    expect(sent.status).toBe(200)
    expect(EmailSentModel.parse(sent.json()).Recipients).toEqual([{ Email: 'bogholderi@rykker.dk' }])
    const mailouts = (await api().get(`/v1/${ORG}/invoices/${inv.guid}/mailouts`)).json<{ Type: string }[]>()
    expect(mailouts.map((m) => m.Type)).toEqual(['Reminder'])
  })

  it('200 on POST …/1/e-reminder to a valid EAN; 400 code 57 for an EAN whose check digit is wrong', async () => {
    const ok = await api().post(`${base()}/1/e-reminder`, {
      PaymentMeanEnum: 'Domestic',
      ReceiverEanNumber: '5790000000005',
    })
    expect(ok.status).toBe(200)
    const bad = await api().post(`${base()}/1/e-reminder`, {
      PaymentMeanEnum: 'Domestic',
      ReceiverEanNumber: '5790000000006',
    })
    expect([bad.status, errorOf(bad).code]).toEqual([400, 57])
  })
})

describe('reminder requests Dinero refuses (in-process)', () => {
  const { api, invoice } = reminderSuite('in-process')

  it('400 code 59 on POST a reminder for a draft invoice (voucher not booked)', async () => {
    const draft = await invoice('2025-11-01', { book: false })
    const reply = await api().post(`/v1/${ORG}/invoices/${draft.guid}/reminders`, {
      ...terms,
      Timestamp: draft.version,
      Date: '2026-01-15',
    })
    expect([reply.status, errorOf(reply).code]).toEqual([400, 59])
  })

  it('400 code 45 on POST a reminder with the compensation fee for a private customer', async () => {
    const inv = await invoice('2025-11-01', { contact: { IsPerson: true } })
    const reply = await api().post(`/v1/${ORG}/invoices/${inv.guid}/reminders`, {
      ...terms,
      Timestamp: inv.version,
      Date: '2026-01-15',
    })
    expect([reply.status, errorOf(reply).code]).toEqual([400, 45])
  })

  it('400 code 42 naming Date on a date that is not YYYY-MM-DD; 400 code 42 naming a missing flag', async () => {
    const inv = await invoice('2025-11-01')
    const path = `/v1/${ORG}/invoices/${inv.guid}/reminders`
    const date = await api().post(path, { ...terms, Timestamp: inv.version, Date: '15-01-2026' })
    expect(errorOf(date)).toMatchObject({ code: 42, validationErrors: { Date: expect.any(String) } })
    const { WithFee: _fee, ...partial } = terms
    const flag = await api().post(path, { ...partial, Timestamp: inv.version, Date: '2026-01-15' })
    expect(errorOf(flag)).toMatchObject({ code: 42, validationErrors: { WithFee: expect.any(String) } })
  })

  it('404 code 40 on GET a reminder id of another invoice, or not a number', async () => {
    const a = await invoice('2025-11-01')
    const b = await invoice('2025-11-01')
    await api().post(`/v1/${ORG}/invoices/${a.guid}/reminders`, {
      ...terms,
      Timestamp: a.version,
      Date: '2026-01-15',
    })
    for (const path of [
      `/v1/${ORG}/invoices/${b.guid}/reminders/1`,
      `/v1/${ORG}/invoices/${a.guid}/reminders/x`,
    ]) {
      const reply = await api().get(path)
      expect([reply.status, errorOf(reply).code]).toEqual([404, 40])
    }
  })

  it('400 code 45 on POST …/email when the invoice has no reminder yet', async () => {
    const inv = await invoice('2025-11-01')
    const reply = await api().post(`/v1/${ORG}/invoices/${inv.guid}/reminders/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
    })
    expect([reply.status, errorOf(reply).code]).toEqual([400, 45])
  })

  it('400 code 56 on POST …/e-reminder when neither the body nor the contact has an electronic address', async () => {
    const inv = await invoice('2025-11-01')
    const made = await api().post(`/v1/${ORG}/invoices/${inv.guid}/reminders`, {
      ...terms,
      Timestamp: inv.version,
      Date: '2026-01-15',
    })
    const reply = await api().post(
      `/v1/${ORG}/invoices/${inv.guid}/reminders/${(ReminderViewModel.parse(made.json()) as View).Id}/e-reminder`,
      {
        PaymentMeanEnum: 'Domestic',
      },
    )
    expect([reply.status, errorOf(reply).code]).toEqual([400, 56])
  })

  it('the seeded booked invoices numbered 1–3 are overdue: GET …/next answers reminder 1 for each', async () => {
    for (const i of [4, 5, 6]) {
      const reply = await api().get(`/v1/${ORG}/invoices/${seededGuid(`${ORG}:invoice:${i}`)}/reminders/next`)
      expect(reply.status, reply.text).toBe(200)
      expect((ReminderViewModel.parse(reply.json()) as View).Number).toBe(1)
    }
  })

  it('fast-check: any reminder body → 2xx or a 4xx in Dinero format, never a 5xx; an accepted one reads back', async () => {
    const inv = await invoice('2025-06-01')
    const path = `/v1/${ORG}/invoices/${inv.guid}/reminders`
    const flag = fc.oneof(fc.boolean(), fc.constantFrom(null, 'true', 1))
    const body = fc.record(
      {
        Timestamp: fc.constantFrom(inv.version, '', 'x', null),
        Date: fc.constantFrom('2026-01-15', '2026-02-30', '2030-01-01', 'x', null),
        Title: fc.option(fc.string({ maxLength: 10 })),
        WithDebtCollectionWarning: flag,
        WithFee: flag,
        WithInterestFee: flag,
        WithCompensationFee: flag,
        Extra: fc.constant(1),
      },
      { requiredKeys: [] },
    )
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (sent, update) => {
        const reply = update ? await api().put(`${path}/1`, sent) : await api().post(path, sent)
        expect(reply.status, reply.text).toBeLessThan(500)
        if (reply.status >= 300) expect(DineroErrorBody.safeParse(JSON.parse(reply.text)).success).toBe(true)
        else expect(ReminderViewModel.safeParse(reply.json()).success).toBe(true)
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
    )
  })
})

describe('invoice e-mail, pre-reminder, e-invoice and SMS (in-process)', () => {
  const { api, invoice, advance, target } = reminderSuite('in-process')

  it('400 code 59 on POST …/invoices/:guid/email for a draft ("The invoice must be booked")', async () => {
    const draft = await invoice('2026-01-10', { book: false })
    const reply = await api().post(`/v1/${ORG}/invoices/${draft.guid}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
    })
    expect([reply.status, errorOf(reply).code]).toEqual([400, 59])
  })

  it('200 on POST …/email for a booked invoice: EmailSentModel to the contact, subject "Faktura N" in the mailouts', async () => {
    const inv = await invoice('2026-01-10')
    const template = await api().get(`/v2/${ORG}/invoices/${inv.guid}/email/template`)
    expect(generated.schema('MailoutTemplateReadModelV2').parse(template.json())).toMatchObject({
      SendAsSms: false,
    })
    const sent = await api().post(`/v1/${ORG}/invoices/${inv.guid}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
    })
    expect(EmailSentModel.parse(sent.json()).Recipients).toEqual([{ Email: 'bogholderi@rykker.dk' }])
    const [mailout] = (await api().get(`/v1/${ORG}/invoices/${inv.guid}/mailouts`)).json<
      { Subject: string }[]
    >()
    expect(mailout?.Subject).toMatch(/^Faktura \d+$/)
    const read = (await api().get(`/v1/${ORG}/invoices/${inv.guid}`)).json()
    expect(read).toMatchObject({ MailOutStatus: 'Sent', LatestMailOutType: 'Invoice' })
  })

  it('400 code 58 on POST …/email with a stale Timestamp', async () => {
    const inv = await invoice('2026-01-10')
    const reply = await api().post(`/v1/${ORG}/invoices/${inv.guid}/email`, {
      ShouldAddTrustPilotEmailAsBcc: false,
      Timestamp: '0000000000000001',
    })
    expect([reply.status, errorOf(reply).code]).toEqual([400, 58])
  })

  it('400 code 45 on POST …/email/pre-reminder before the invoice is overdue; 200 after', async () => {
    const inv = await invoice('2026-01-10')
    const path = `/v1/${ORG}/invoices/${inv.guid}/email/pre-reminder`
    const early = await api().post(path, { ShouldAddTrustPilotEmailAsBcc: false })
    expect([early.status, errorOf(early).code]).toEqual([400, 45])
    await advance(10)
    expect((await api().post(path, { ShouldAddTrustPilotEmailAsBcc: false })).status).toBe(200)
    const template = await api().get(`${path}/template`)
    expect(generated.schema('MailoutTemplateReadModel').parse(template.json())).toMatchObject({
      Subject: expect.stringMatching(/^Betalingspåmindelse \d+$/),
    })
  })

  it('400 code 56 on POST /v3 …/e-invoice when the contact has no EAN, SE, P or CVR number; 200 with a CVR number', async () => {
    const none = await invoice('2026-01-10')
    const refused = await api().post(`/v3/${ORG}/invoices/${none.guid}/e-invoice`, {
      PaymentMeanEnum: 'Domestic',
    })
    expect([refused.status, errorOf(refused).code]).toEqual([400, 56])
    const cvr = await invoice('2026-01-10', { contact: { VatNumber: 'DK12345678' } })
    const sent = await api().post(`/v3/${ORG}/invoices/${cvr.guid}/e-invoice`, {
      PaymentMeanEnum: 'Domestic',
    })
    expect(sent.status).toBe(200)
    const mailouts = (await api().get(`/v1/${ORG}/invoices/${cvr.guid}/mailouts`)).json<{ Type: string }[]>()
    expect(mailouts.map((m) => m.Type)).toEqual(['EInvoice'])
  })

  it('200 on POST /v1/:org/sms/:voucherGuid/send-sms: listed as an SMS mailout (not with includeSms=false); the journal has neither the number nor the text', async () => {
    const inv = await invoice('2026-01-10')
    const reply = await api().post(`/v1/${ORG}/sms/${inv.guid}/send-sms`, {
      ReceiverPhoneNumber: '+45 20 30 40 50',
      ReceiverName: 'Bogholderiet',
      Timestamp: inv.version,
      IsReminder: false,
      Message: 'Se fakturaen her: [link-to-pdf]',
    })
    expect(reply.status, reply.text).toBe(200)
    const all = (await api().get(`/v1/${ORG}/invoices/${inv.guid}/mailouts`)).json<
      { IsSmsMessage: boolean }[]
    >()
    expect(all.map((m) => m.IsSmsMessage)).toEqual([true])
    const noSms = await api().get(`/v1/${ORG}/invoices/${inv.guid}/mailouts?includeSms=false`)
    expect(noSms.json<unknown[]>()).toEqual([])
    const entry = target()
      .mock.journal.entries({ service: 'dinero', method: 'POST' })
      .find((e) => e.url.includes('/send-sms'))
    expect(entry?.details).toMatchObject({ smsAccepted: true, smsIsReminder: false })
    const journal = JSON.stringify(target().mock.journal.entries())
    expect(journal).not.toContain('20 30 40 50')
    expect(journal).not.toContain('4520304050')
    expect(journal).not.toContain('Se fakturaen')
  })

  it('400 code 42 naming ReceiverPhoneNumber for a number outside Denmark, the Faroe Islands and Greenland; 400 code 59 for a draft', async () => {
    const inv = await invoice('2026-01-10')
    const sms = (Timestamp: string, ReceiverPhoneNumber: string) => ({
      ReceiverPhoneNumber,
      ReceiverName: 'X',
      Timestamp,
      IsReminder: true,
    })
    const abroad = await api().post(`/v1/${ORG}/sms/${inv.guid}/send-sms`, sms(inv.version, '+46701234567'))
    expect(errorOf(abroad)).toMatchObject({
      code: 42,
      validationErrors: { ReceiverPhoneNumber: expect.any(String) },
    })
    const draft = await invoice('2026-01-10', { book: false })
    const refused = await api().post(`/v1/${ORG}/sms/${draft.guid}/send-sms`, sms(draft.version, '20304050'))
    expect([refused.status, errorOf(refused).code]).toEqual([400, 59])
  })
})

describe('deviation dinero.reminders-any-invoice (in-process)', () => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget('in-process', {
      clock: { start: NOW },
      deviations: ['dinero.reminders-any-invoice'],
    })
  })
  afterAll(() => target.close())

  it('accepts a reminder for a booked invoice that is not due yet (the conformance check must fail)', async () => {
    const api = dineroApi(target, await tokenFor(target))
    const created = (
      await api.post(`/v1/${ORG}/invoices`, {
        ContactGuid: seededGuid(`${ORG}:contact:1`),
        Date: '2026-01-15',
        ProductLines: [line],
      })
    ).json<{ Guid: string; TimeStamp: string }>()
    const booked = (
      await api.post(`/v1/${ORG}/invoices/${created.Guid}/book`, { Timestamp: created.TimeStamp })
    ).json<{
      TimeStamp: string
    }>()
    const reply = await api.post(`/v1/${ORG}/invoices/${created.Guid}/reminders`, {
      ...terms,
      WithCompensationFee: false,
      Timestamp: booked.TimeStamp,
      Date: '2026-01-15',
    })
    expect(reply.status, reply.text).toBe(200)
  })
})

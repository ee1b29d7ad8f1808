import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { ApiMailoutModel, EInvoiceSendModel, generated } from './contract/index.ts'
import { orgRoute } from './endpoint.ts'
import {
  CODES,
  DineroError,
  invalidRequest,
  timestampOutOfDate,
  validationError,
  voucherNotBooked,
} from './errors.ts'
import { invoiceReadModel } from './invoices.ts'
import { dateTime, parseChangesSince } from './query.ts'
import { resource } from './resource.ts'
import type { InvoiceData, MailoutData, Organisation, Row } from './store.ts'

/**
 * What Dinero sends about a voucher — e-mails, e-documents, SMS (dinero-openapi, dinero-api-errors):
 * nothing leaves the mock; each accepted send is recorded, so `GET …/mailouts` lists it.
 * - ApiMailoutModel: `Sender` defaults to the organisation's e-mail (none → 400 code 53),
 *   `Receiver` to the contact's ("contact must have email else bad request": 400 code 55), a
 *   comma-separated list allowed; `Subject` defaults to "{Type} {Number}"; a sent `Timestamp` is
 *   checked against the voucher's version (stale → 400 code 58); answered with EmailSentModel;
 * - invoices: e-mail "must be booked" (draft → 400 code 59); the pre-reminder needs the invoice
 *   "to be overdue" (booked but not yet due → 400 code 45); the e-invoice goes to the contact's
 *   "P, SE, EAN/GLN, Danish vat (CVR) -numbers" (a contact with none → 400 code 56);
 * - `GET …/mailouts` → array of VoucherMailoutReadModel, `changesSince` and `includeSms`
 *   (default true);
 * - POST /v1/:org/sms/:voucherGuid/send-sms `SmsSendModel` "with link to invoice": a booked
 *   invoice, the invoice's Timestamp, a receiver "DK/FO/GL only" (ApiMailoutModelV2). The journal
 *   notes only that an SMS was accepted, never the number or the text.
 */

export type MailoutType = MailoutData['Type']

const DOCUMENT_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'da-DK': {
    Invoice: 'Faktura',
    TradeOffer: 'Tilbud',
    Reminder: 'Rykker',
    PreReminder: 'Betalingspåmindelse',
  },
  'en-GB': { Invoice: 'Invoice', TradeOffer: 'Offer', Reminder: 'Reminder', PreReminder: 'Payment reminder' },
}

/** "{Type} {Number}" in the voucher's language, e.g. `Faktura 3` (ApiMailoutModel.Subject). */
export function documentTitle(language: string, type: string, number: number | null): string {
  const name = (DOCUMENT_NAMES[language] ?? DOCUMENT_NAMES['da-DK']!)[type] ?? type
  return number === null ? name : `${name} ${number}`
}

/** Compares a sent version with the voucher's, without writing (stale → 400 code 58). */
export function checkVersion(ctx: DineroContext, current: string, sent: string | null | undefined): void {
  if (sent == null || ctx.deviations.has('dinero.ignore-timestamp')) return
  if (sent !== current) throw timestampOutOfDate()
}

/** What a voucher's e-mail is about: who it goes to and what it is called. */
export interface MailSubject {
  voucherGuid: string
  type: MailoutType
  contactGuid: string | null
  title: string
}

const defaultMessage = (title: string) => `Hej\n\nHer er ${title}: [link-to-pdf]\n\nMed venlig hilsen`

function contactEmail(ctx: DineroContext, org: Organisation, contactGuid: string | null): string | null {
  if (contactGuid === null) return null
  const email = ctx.store.contacts(org.Id).get(contactGuid)?.data.Email ?? null
  return email === null || email.trim() === '' ? null : email
}

/** MailoutTemplateReadModel: what an e-mail about the voucher would say by default. */
export function mailTemplate(ctx: DineroContext, org: Organisation, about: MailSubject) {
  return {
    Sender: org.Email,
    Receiver: contactEmail(ctx, org, about.contactGuid),
    Subject: about.title,
    Message: defaultMessage(about.title),
    AddVoucherAsPdfAttachment: false,
  }
}

function record(ctx: DineroContext, org: Organisation, data: MailoutData): Row<MailoutData> {
  const table = ctx.store.mailouts(org.Id)
  const row = table.insert(String(table.all().length + 1), data)
  if (row === undefined) throw invalidRequest('The mailout could not be recorded')
  return row
}

/** Accepts an ApiMailoutModel e-mail, records it and answers EmailSentModel's recipients. */
export function sendMail(ctx: DineroContext, org: Organisation, about: MailSubject, body: ApiMailoutModel) {
  const sender = body.Sender ?? org.Email
  if (sender === null || sender.trim() === '')
    throw new DineroError(400, CODES.NoOrganizationEmail, 'The organization has no e-mail address')
  const receiver = body.Receiver ?? contactEmail(ctx, org, about.contactGuid)
  const receivers = (receiver ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '')
  if (receivers.length === 0)
    throw new DineroError(400, CODES.NoReceiverEmail, 'No receiver e-mail: the contact has no e-mail address')
  const cc = body.CcToSender === true
  record(ctx, org, {
    VoucherGuid: about.voucherGuid,
    Type: about.type,
    Sender: sender,
    Receiver: receivers.join(','),
    Subject: body.Subject ?? about.title,
    Message: body.Message ?? defaultMessage(about.title),
    CcToSender: cc,
    IsSms: false,
  })
  return { Recipients: [...receivers, ...(cc ? [sender] : [])].map((Email) => ({ Email })) }
}

/**
 * An e-document (e-invoice, e-reminder) to the contact's electronic address: the EAN sent, or the
 * contact's EAN, SE, P or CVR number. None → 400 code 56; an EAN that is not 13 digits with a
 * valid GS1 check digit → 400 code 57 (dinero-api-errors "No EAN number", "Invalid EAN number").
 */
export function sendEDocument(
  ctx: DineroContext,
  org: Organisation,
  about: MailSubject,
  ean: string | null | undefined,
): void {
  const contact = about.contactGuid === null ? undefined : ctx.store.contacts(org.Id).get(about.contactGuid)
  const given = ean != null && ean.trim() !== '' ? ean.trim() : null
  const address =
    given ??
    [contact?.data.EanNumber, contact?.data.SENumber, contact?.data.PNumber, contact?.data.VatNumber].find(
      (n) => n != null && n.trim() !== '',
    ) ??
    null
  // assumption: open-dinero-unlisted-responses — which code a contact without any of the listed
  // destinations gets is not documented; 56 "No EAN number" is the nearest in dinero-api-errors.
  if (address === null)
    throw new DineroError(400, CODES.NoEanNumber, 'No EAN number: the contact has no electronic address')
  if (given !== null && !validGln(given))
    throw new DineroError(400, CODES.InvalidEanNumber, `Invalid EAN number '${given}'`)
  record(ctx, org, {
    VoucherGuid: about.voucherGuid,
    Type: about.type,
    Sender: org.Email,
    Receiver: address,
    Subject: about.title,
    Message: null,
    CcToSender: false,
    IsSms: false,
  })
}

/** A GLN/EAN-13: 13 digits whose last is the GS1 mod-10 check digit of the first 12. */
export function validGln(value: string): boolean {
  if (!/^\d{13}$/.test(value)) return false
  const digits = [...value].map(Number)
  const sum = digits.slice(0, 12).reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0)
  return (10 - (sum % 10)) % 10 === digits[12]
}

/** VoucherMailoutReadModel[] of one voucher, oldest first. */
export function listMailouts(ctx: DineroContext, org: Organisation, voucherGuid: string, url: URL) {
  const since = parseChangesSince(url)
  const includeSms = (url.searchParams.get('includeSms') ?? 'true').toLowerCase() !== 'false'
  return ctx.store
    .mailouts(org.Id)
    .all()
    .filter((row) => row.data.VoucherGuid.toLowerCase() === voucherGuid.toLowerCase())
    .filter((row) => includeSms || !row.data.IsSms)
    .filter((row) => since === undefined || row.createdAt >= since)
    .map((row) => ({
      Id: Number(row.guid),
      Date: dateTime(row.createdAt),
      SeenAt: null,
      Sender: row.data.Sender,
      Receiver: row.data.Receiver,
      Subject: row.data.Subject,
      Message: row.data.Message,
      DownloadCount: 0,
      PrintCount: 0,
      Type: row.data.Type,
      Status: 'Sent',
      LatestEvent: null,
      IsSmsMessage: row.data.IsSms,
      CCToSender: row.data.CcToSender,
    }))
}

/** SmsSendModel as the extraction states it (validated by its generated schema). */
interface SmsSendModel {
  ReceiverPhoneNumber: string
  ReceiverName: string
  Timestamp: string
  IsReminder: boolean
  Message?: string | null
}

/**
 * Receivers in Denmark, the Faroe Islands or Greenland (ApiMailoutModelV2 "DK/FO/GL only"): eight
 * digits, or six after +298/+299; spaces and dashes are ignored. Another number → 400 code 42.
 */
const NORDIC_PHONE = /^(?:(?:\+|00)45\d{8}|\d{8}|(?:\+|00)(?:298|299)\d{6})$/

export function invoiceMailRoutes(ctx: DineroContext): Route[] {
  const invoices = resource(ctx, 'Invoice', (id) => ctx.store.invoices(id))
  const about = (row: Row<InvoiceData>, type: MailoutType): MailSubject => ({
    voucherGuid: row.guid,
    type,
    contactGuid: row.data.ContactGuid,
    title: documentTitle(
      row.data.Language,
      type === 'PreReminder' ? 'PreReminder' : 'Invoice',
      row.data.Number,
    ),
  })
  // assumption: open-dinero-unlisted-responses — "The invoice must be booked" names no code;
  // dinero-api-errors' 59 "Voucher not booked" says exactly that. The SMS "with link to invoice"
  // links to its PDF, which only a booked invoice has, so it is held to the same rule.
  const booked = (row: Row<InvoiceData>, what: string) => {
    if (row.data.Status !== 'Booked') throw voucherNotBooked(`${what} needs a booked invoice`)
  }
  const overdue = (org: Organisation, row: Row<InvoiceData>) => {
    booked(row, 'a pre-reminder')
    // assumption: open-dinero-unlisted-responses — "Invoice needs to be overdue" names no error
    // code; a rule on the request that does not hold is Dinero's "Invalid request", 45.
    if (invoiceReadModel(ctx, org, row).PaymentStatus !== 'Overdue')
      throw invalidRequest('The invoice is not overdue')
  }
  return [
    orgRoute(ctx, 'POST', '/v1/:organizationId/invoices/:guid/email', async ({ req, org }) => {
      const body = validate(ApiMailoutModel, await readJson(req.request), 'ApiMailoutModel')
      const row = invoices.live(org, req.params.guid, 'InvoiceGuid')
      booked(row, 'an e-mail')
      checkVersion(ctx, row.version, body.Timestamp)
      return dineroJson(sendMail(ctx, org, about(row, 'Invoice'), body))
    }),
    orgRoute(ctx, 'GET', '/v2/:organizationId/invoices/:guid/email/template', ({ req, org }) => {
      const row = invoices.live(org, req.params.guid, 'InvoiceGuid')
      const contact =
        row.data.ContactGuid === null ? undefined : ctx.store.contacts(org.Id).get(row.data.ContactGuid)
      return dineroJson({
        ...mailTemplate(ctx, org, about(row, 'Invoice')),
        SendAsSms: false,
        SmsReceiverPhoneNumber: contact?.data.Phone ?? null,
      })
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/invoices/:guid/email/pre-reminder/template', ({ req, org }) =>
      dineroJson(
        mailTemplate(ctx, org, about(invoices.live(org, req.params.guid, 'InvoiceGuid'), 'PreReminder')),
      ),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/invoices/:guid/email/pre-reminder', async ({ req, org }) => {
      const body = validate(ApiMailoutModel, await readJson(req.request), 'ApiMailoutModel')
      const row = invoices.live(org, req.params.guid, 'InvoiceGuid')
      overdue(org, row)
      checkVersion(ctx, row.version, body.Timestamp)
      sendMail(ctx, org, about(row, 'PreReminder'), body)
      return emptyOk()
    }),
    orgRoute(ctx, 'POST', '/v3/:organizationId/invoices/:guid/e-invoice', async ({ req, org }) => {
      const body = validate(EInvoiceSendModel, await readJson(req.request), 'EInvoiceSendModel')
      const row = invoices.live(org, req.params.guid, 'InvoiceGuid')
      booked(row, 'an e-invoice')
      checkVersion(ctx, row.version, body.Timestamp)
      sendEDocument(ctx, org, about(row, 'EInvoice'), null)
      return emptyOk()
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/invoices/:guid/mailouts', ({ req, org }) => {
      const row = invoices.find(org, req.params.guid)
      return dineroJson(listMailouts(ctx, org, row.guid, req.url))
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/sms/:voucherGuid/send-sms', async ({ req, org }) => {
      const raw = await readJson(req.request)
      const body = validate(generated.schema('SmsSendModel'), raw, 'SmsSendModel') as SmsSendModel
      const phone = body.ReceiverPhoneNumber.replace(/[\s-]/g, '')
      if (!NORDIC_PHONE.test(phone))
        throw validationError({
          ReceiverPhoneNumber: 'SMS can only be sent to Danish, Faroese or Greenlandic phone numbers',
        })
      const row = invoices.live(org, req.params.voucherGuid, 'VoucherGuid')
      booked(row, 'an SMS')
      checkVersion(ctx, row.version, body.Timestamp)
      record(ctx, org, {
        VoucherGuid: row.guid,
        Type: 'Sms',
        Sender: org.Name,
        Receiver: phone,
        Subject: null,
        Message: body.Message ?? defaultMessage(about(row, 'Invoice').title),
        CcToSender: false,
        IsSms: true,
      })
      req.note({ smsAccepted: true, smsIsReminder: body.IsReminder })
      return emptyOk()
    }),
  ]
}

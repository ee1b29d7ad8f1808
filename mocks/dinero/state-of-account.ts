import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { generated } from './contract/index.ts'
import { creditNoteListItem } from './credit-notes.ts'
import { calendarInstant } from './dates.ts'
import { orgRoute } from './endpoint.ts'
import { DineroError, invalidFormat, notFound } from './errors.ts'
import { invoiceReadModel } from './invoices.ts'
import { documentPdf } from './pdf.ts'
import { purchaseLineAmounts, round2 } from './pricing.ts'
import type { ContactData, CreditNoteData, InvoiceData, Organisation, Row } from './store.ts'

/**
 * A contact's state of account ("kontoudtog", dinero-openapi ContactStateOfAccount), computed
 * from what is booked with the contact:
 * - GET /v1/:org/state-of-account/:guid?from&to&hideClosed → {ContactGuid, Income, Expenses,
 *   Entries}: each booked invoice (+ its total incl. VAT, `open` until paid in full, then
 *   `closed`) and each payment on it (− the amount, `closed`), by date, with the running
 *   `Balance` (what the contact owes) carried from before `from`; each booked credit note (− its
 *   total, `closed` once it credits an invoice or is paid back) and each payment on it (+ the
 *   amount); `hideClosed=true` leaves out the closed ones; Income = the invoices less the credit
 *   notes in the period, Expenses = the contact's booked purchase vouchers in it (incl. VAT);
 * - GET …/pdf: the same as a one-page PDF (pdf.ts);
 * - POST …/email `ContactStateOfAccountMailoutModel` → 200 without a body, nothing sent; no
 *   Receiver and a contact without an e-mail → code 55 "No receiver email" (dinero-api-errors).
 * An unknown contact (or a guid that is not one) → 404 code 40; `from`/`to` that are not dates or
 * `hideClosed` that is not a boolean → 400 code 44.
 * assumption: open-dinero-unlisted-responses — the entry's Type/Category/Class words are not
 * documented (`Invoice`/`Payment`, `Sales`); amounts are in DKK 1:1 as no exchange rates are
 * modelled; code 55 is sent with 400.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface StateEntry {
  RelatedVoucherGuid: string
  RelatedVoucherNumber: string | null
  Date: string
  DecayDate: string | null
  Description: string | null
  Type: string
  Amount: number
  Balance: number
  Status: 'open' | 'closed'
  RelatedVoucherCategory: string
  RelatedVoucherClass: string
  Currency: string
}

function day(url: URL, name: string): string | undefined {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return undefined
  const ms = calendarInstant(raw)
  if (ms === undefined) throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
  // The day as written: an offset-less date-time is not shifted by the machine's time zone.
  return /^\d{4}-\d{2}-\d{2}/.exec(raw)?.[0] ?? new Date(ms).toISOString().slice(0, 10)
}

function flag(url: URL, name: string): boolean {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return false
  if (!/^(true|false)$/i.test(raw)) throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
  return raw.toLowerCase() === 'true'
}

export function stateOfAccountRoutes(ctx: DineroContext): Route[] {
  const contactOf = (org: Organisation, guid: string | undefined): Row<ContactData> => {
    const row = guid !== undefined && GUID.test(guid) ? ctx.store.contacts(org.Id).get(guid) : undefined
    if (row === undefined) throw notFound('Contact')
    return row
  }

  const statement = (org: Organisation, contact: Row<ContactData>, url: URL) => {
    const from = day(url, 'from')
    const to = day(url, 'to')
    const hideClosed = flag(url, 'hideClosed')
    const all: Omit<StateEntry, 'Balance'>[] = []
    let income = 0
    const inPeriod = (d: string) => (from === undefined || d >= from) && (to === undefined || d <= to)
    const theirs = (row: Row<{ ContactGuid: string | null }>) =>
      row.deletedAt === null && row.data.ContactGuid?.toLowerCase() === contact.guid.toLowerCase()
    /** A booked sales document's own entry, then one entry a payment; `paid` is a payment's sign. */
    const sale = (
      row: Row<InvoiceData | CreditNoteData>,
      type: 'Invoice' | 'CreditNote',
      own: Pick<StateEntry, 'DecayDate' | 'Amount' | 'Status'>,
      paid: 1 | -1,
    ) => {
      const d = row.data
      const base = {
        RelatedVoucherGuid: row.guid,
        RelatedVoucherNumber: d.Number === null ? null : String(d.Number),
        RelatedVoucherCategory: 'Sales',
        RelatedVoucherClass: type,
        Currency: d.Currency,
      }
      all.push({
        ...base,
        Date: `${d.Date}T00:00:00`,
        DecayDate: own.DecayDate,
        Description: d.Description,
        Type: type,
        Amount: own.Amount,
        Status: own.Status,
      })
      for (const p of d.Payments)
        all.push({
          ...base,
          Date: `${p.PaymentDate}T00:00:00`,
          DecayDate: null,
          Description: p.Description,
          Type: 'Payment',
          Amount: paid * p.Amount,
          Status: 'closed',
        })
    }
    for (const row of ctx.store.invoices(org.Id).all()) {
      if (row.data.Status !== 'Booked' || !theirs(row)) continue
      const invoice = invoiceReadModel(ctx, org, row)
      const paid = invoice.PaymentStatus === 'Paid' || invoice.PaymentStatus === 'OverPaid'
      sale(
        row,
        'Invoice',
        {
          DecayDate: `${invoice.PaymentDate}T00:00:00`,
          Amount: invoice.TotalInclVat,
          Status: paid ? 'closed' : 'open',
        },
        -1,
      )
      if (inPeriod(row.data.Date)) income += invoice.TotalInclVat
    }
    for (const row of ctx.store.creditNotes(org.Id).all()) {
      if (row.data.Status !== 'Booked' || !theirs(row)) continue
      const note = creditNoteListItem(ctx, org, row)
      sale(
        row,
        'CreditNote',
        {
          DecayDate: null,
          Amount: -note.TotalInclVat,
          Status: row.data.CreditNoteFor !== null || note.Status === 'Paid' ? 'closed' : 'open',
        },
        1,
      )
      if (inPeriod(row.data.Date)) income -= note.TotalInclVat
    }
    let expenses = 0
    const accounts = ctx.store.entryAccounts(org.Id)
    for (const row of ctx.store.purchaseVouchers(org.Id).all()) {
      const d = row.data
      if (d.Status === 'Draft' || !theirs(row)) continue
      if (inPeriod(d.VoucherDate))
        for (const line of d.Lines) expenses += purchaseLineAmounts(org, accounts, line).AmountInclVatValue
    }
    all.sort((a, b) => a.Date.localeCompare(b.Date) || b.Amount - a.Amount)
    let balance = 0
    const entries: StateEntry[] = []
    for (const e of all) {
      balance = round2(balance + e.Amount)
      const d = e.Date.slice(0, 10)
      if (to !== undefined && d > to) continue
      if (from !== undefined && d < from) continue
      if (hideClosed && e.Status === 'closed') continue
      entries.push({ ...e, Balance: balance })
    }
    return {
      ContactGuid: contact.guid,
      Income: round2(income),
      Expenses: round2(expenses),
      Entries: entries,
    }
  }

  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/state-of-account/:guid/pdf', ({ req, org }) => {
      const contact = contactOf(org, req.params.guid)
      const s = statement(org, contact, req.url)
      const lines = [
        `${contact.data.Name}`,
        `Income ${s.Income.toFixed(2)} DKK, expenses ${s.Expenses.toFixed(2)} DKK`,
        ...s.Entries.map(
          (e) =>
            `${e.Date.slice(0, 10)}  ${e.Type} ${e.RelatedVoucherNumber ?? ''}  ${e.Amount.toFixed(2)}  saldo ${e.Balance.toFixed(2)}`,
        ),
      ]
      const bytes = documentPdf(`Kontoudtog - ${org.Name}`, lines) as Uint8Array<ArrayBuffer>
      return new Response(bytes, {
        status: 200,
        headers: { 'content-type': 'application/pdf' },
      })
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/state-of-account/:guid/email', async ({ req, org }) => {
      const body = validate(
        generated.schema('ContactStateOfAccountMailoutModel'),
        await readJson(req.request),
        'ContactStateOfAccountMailoutModel',
      ) as { Receiver?: string | null }
      const contact = contactOf(org, req.params.guid)
      const receiver = body.Receiver?.trim() || contact.data.Email?.trim() || ''
      if (receiver === '')
        throw new DineroError(400, 55, 'No receiver email', {
          validationErrors: { Receiver: 'The contact has no e-mail; send a Receiver' },
        })
      return emptyOk()
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/state-of-account/:guid', ({ req, org }) =>
      dineroJson(statement(org, contactOf(org, req.params.guid), req.url)),
    ),
  ]
}

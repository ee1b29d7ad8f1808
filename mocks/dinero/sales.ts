import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { creditNoteSource } from './credit-notes.ts'
import { orgRoute } from './endpoint.ts'
import { invoiceSource } from './invoices.ts'
import { salesFields, salesList } from './sales-list.ts'

/**
 * Sales (dinero-openapi), hand-written:
 * - GET /v1/:org/sales "List invoices and credit notes": the sales list (sales-list.ts) over both,
 *   `fields` default `Guid,ContactName,Date,Description,Type`; each item's `Type` says Invoice or
 *   CreditNote;
 * - GET /v1/:org/sales/settings → SalesVoucherSetttingsModel: the defaults a new invoice gets here
 *   (invoices.ts): lines excl. VAT, Netto 8 days, the chart's default sales account.
 * assumption: open-dinero-unlisted-responses — the settings' FIK, template, PDF-attachment and
 * reminder values are not published: no FIK, no template, the PDF attached, reminder fee 100 DKK
 * (the most Danish law allows, dk-renteloven §9 b) and no interest; the list holds the invoices and the
 * credit notes (credit-notes.ts).
 */
const FIELDS = salesFields('Guid,ContactName,Date,Description,Type')

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
    // Credit notes are listed with the invoices (Type CreditNote), filtered the same way.
    orgRoute(ctx, 'GET', '/v1/:organizationId/sales', ({ req, org }) =>
      salesList(ctx, req.url, FIELDS, [invoiceSource(ctx, org), creditNoteSource(ctx, org)]),
    ),
  ]
}

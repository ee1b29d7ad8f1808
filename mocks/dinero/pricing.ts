import type { EntryAccount, InvoiceData, InvoiceLine, Organisation, PurchaseLine } from './store.ts'

/**
 * Amounts the way Dinero derives them (dinero-openapi read models): VAT from the account's VAT
 * code (U25 sales / I25 purchases = 25 %, anything else 0 %, none at all for a VAT-free
 * organisation), line totals = base × quantity × (1 − discount %), sums rounded to øre.
 * Purchase lines carry the amount paid (incl. VAT); the VAT is taken out of it.
 */
export const round2 = (n: number) => Math.round(n * 100) / 100

const VAT_RATES: Readonly<Record<string, number>> = { U25: 0.25, I25: 0.25, UVC: 0, KUNS: 0 }

export function vatRate(
  org: Organisation,
  accounts: readonly EntryAccount[],
  accountNumber: number | null,
  vatCode?: string | null,
): number {
  if (org.IsVatFree) return 0
  const code = vatCode ?? accounts.find((a) => a.AccountNumber === accountNumber)?.VatCode ?? null
  return code === null ? 0 : (VAT_RATES[code.toUpperCase()] ?? 0)
}

export interface LineAmounts {
  AccountName: string | null
  BaseAmountValue: number
  BaseAmountValueInclVat: number
  TotalAmount: number
  TotalAmountInclVat: number
  rate: number
}

export function lineAmounts(
  org: Organisation,
  accounts: readonly EntryAccount[],
  line: InvoiceLine,
  showLinesInclVat: boolean,
): LineAmounts {
  const AccountName = accounts.find((a) => a.AccountNumber === line.AccountNumber)?.Name ?? null
  if (line.LineType === 'Text') {
    return {
      AccountName,
      BaseAmountValue: 0,
      BaseAmountValueInclVat: 0,
      TotalAmount: 0,
      TotalAmountInclVat: 0,
      rate: 0,
    }
  }
  const rate = vatRate(org, accounts, line.AccountNumber)
  const base = showLinesInclVat ? line.BaseAmountValue / (1 + rate) : line.BaseAmountValue
  const total = base * line.Quantity * (1 - line.Discount / 100)
  return {
    AccountName,
    BaseAmountValue: round2(base),
    BaseAmountValueInclVat: round2(base * (1 + rate)),
    TotalAmount: round2(total),
    TotalAmountInclVat: round2(total * (1 + rate)),
    rate,
  }
}

export interface InvoiceTotals {
  TotalExclVat: number
  TotalVatableAmount: number
  TotalInclVat: number
  TotalNonVatableAmount: number
  TotalVat: number
}

export function invoiceTotals(
  org: Organisation,
  accounts: readonly EntryAccount[],
  invoice: Pick<InvoiceData, 'ProductLines' | 'ShowLinesInclVat'>,
): InvoiceTotals {
  let excl = 0
  let incl = 0
  let vatable = 0
  for (const line of invoice.ProductLines) {
    const a = lineAmounts(org, accounts, line, invoice.ShowLinesInclVat)
    excl += a.TotalAmount
    incl += a.TotalAmountInclVat
    if (a.rate > 0) vatable += a.TotalAmount
  }
  return {
    TotalExclVat: round2(excl),
    TotalVatableAmount: round2(vatable),
    TotalInclVat: round2(incl),
    TotalNonVatableAmount: round2(excl - vatable),
    TotalVat: round2(incl - excl),
  }
}

export function purchaseLineAmounts(
  org: Organisation,
  accounts: readonly EntryAccount[],
  line: PurchaseLine,
) {
  const rate = vatRate(org, accounts, line.AccountNumber, line.VatCode)
  const excl = round2(line.Amount / (1 + rate))
  return {
    AmountExclVatValue: excl,
    AmountInclVatValue: round2(line.Amount),
    VatAmountValue: round2(line.Amount - excl),
  }
}

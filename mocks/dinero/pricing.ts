import type { EntryAccount, InvoiceData, InvoiceLine, Organisation, PurchaseLine } from './store.ts'

/**
 * Amounts the way Dinero derives them (dinero-openapi read models): VAT from the account's VAT
 * code (U25 sales / I25 purchases = 25 %, anything else 0 %, none at all for a VAT-free
 * organisation), line totals = base × quantity × (1 − discount %), sums rounded to øre.
 * Purchase lines carry the amount paid (incl. VAT); the VAT is taken out of it.
 */
/**
 * To øre, as `decimal` rounds (assumption: open-dinero-rounding — midpoints away from zero, the
 * same for either sign). The double is read at 15 significant digits first, the precision .NET
 * converts a double to `decimal` with, so 1.005 is the decimal 1.005 (binary 1.00499…) and rounds
 * to 1.01, and −2.675 to −2.68 as 2.675 to 2.68: `Math.round(n * 100) / 100` rounded these by the
 * binary error, one way or the other, and half towards +∞, so the two legs of one amount (+1.125,
 * −1.125) came out 1.13 and −1.12 and the ledger no longer balanced.
 */
export function round2(n: number): number {
  const abs = Math.abs(n)
  // Below half an øre: 0. From 10^13 on, an øre count no longer fits a double's 2^53 exactly.
  if (!(abs >= 0.005)) return Number.isNaN(n) ? n : 0
  if (abs >= 1e13) return (Math.sign(n) * Math.round(abs * 100)) / 100
  const [whole = '0', fraction = ''] = abs.toPrecision(15).split('.')
  const digits = `${fraction}000`
  const up = digits.charCodeAt(2) >= 53 // '5': the rest is at least half an øre
  const ore = Number(whole) * 100 + Number(digits.slice(0, 2)) + (up ? 1 : 0)
  return ore === 0 ? 0 : (Math.sign(n) * ore) / 100
}

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

/**
 * A manual voucher line's amounts (dinero-openapi ManuelVoucherLineCreateModel: the amount is
 * "incl VAT for purchase VAT type; excl VAT for sale/foreign"), the rate from the line's VAT code
 * or its account's; `purchase` when the code is a purchase (input VAT) one.
 */
export function manualLineAmounts(
  org: Organisation,
  accounts: readonly EntryAccount[],
  line: { AccountNumber: number | null; AccountVatCode: string | null; Amount: number },
): { excl: number; incl: number; vat: number; purchase: boolean } {
  const code =
    line.AccountVatCode ?? accounts.find((a) => a.AccountNumber === line.AccountNumber)?.VatCode ?? null
  // A line with no account posts only its balancing side: nothing to split VAT from.
  const rate = line.AccountNumber === null ? 0 : vatRate(org, accounts, line.AccountNumber, code)
  const purchase = code?.toUpperCase().startsWith('I') === true
  // The amount as given is rounded first and the other side worked out from it, so excl. + VAT
  // is incl. to the øre (purchaseLineAmounts): split from the unrounded 10.065, 8.05 + 2.01 left
  // 10.07 one øre short and the voucher no longer balanced.
  const given = round2(line.Amount)
  const excl = purchase ? round2(given / (1 + rate)) : given
  const incl = purchase ? given : round2(given * (1 + rate))
  return { excl, incl, vat: round2(incl - excl), purchase }
}

export function purchaseLineAmounts(
  org: Organisation,
  accounts: readonly EntryAccount[],
  line: PurchaseLine,
) {
  const rate = vatRate(org, accounts, line.AccountNumber, line.VatCode)
  // The amount paid is rounded first and split after, so excl. + VAT is always the amount posted
  // against the creditor: split from the unrounded 10.065, 8.05 + 2.01 left 10.07 one øre short.
  const incl = round2(line.Amount)
  const excl = round2(incl / (1 + rate))
  return {
    AmountExclVatValue: excl,
    AmountInclVatValue: incl,
    VatAmountValue: round2(incl - excl),
  }
}

import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { orgRoute } from './endpoint.ts'
import { invalidFormat } from './errors.ts'
import {
  type AccountAmount,
  isResultAccount,
  primoBalances,
  requireAccountingYear,
  yearEndBalances,
} from './ledger.ts'
import type { Organisation } from './store.ts'

/**
 * Reports (dinero-openapi), computed from the booked entries of one accounting year (ledger.ts),
 * each a plain array of {AccountName, AccountNumber, Amount} in account order:
 * - GET /v1/:org/:accountingYear/reports/saldo: every account's amount at the year's end, its
 *   primo included (a trial balance: the rows sum to zero, as every posting is double-entry);
 * - …/result: the result (income statement) accounts' rows of the saldo — the year's own entries;
 * - …/balance: the balance-sheet accounts' rows of the saldo, so result + balance sum to zero;
 * - …/primo: the opening amounts carried from the years before (ledger.ts primoBalances).
 * A year the organisation does not have → 400 code 47 (dinero-api-errors "An accounting year was
 * not found"). `showZeroAccount=true` adds the chart's accounts of the report's kind that have
 * nothing; the boolean parameters that are not `true`/`false` → 400 code 44.
 * assumption: open-dinero-unlisted-responses — SaldoBalanceReportApiModel is named but not
 * described; it has the shape of the three described report models. The chart has no summary
 * accounts, so `includeSummaryAccount` changes nothing; the model has no place for ledger entries,
 * VAT types or a separate number column, so `includeLedgerEntries`, `showVatType` and
 * `showAccountNo` change nothing either.
 */
const FLAGS = [
  'showZeroAccount',
  'showAccountNo',
  'includeSummaryAccount',
  'includeLedgerEntries',
  'showVatType',
] as const

function flags(url: URL): Record<(typeof FLAGS)[number], boolean> {
  const defaults = { includeSummaryAccount: true } as Record<string, boolean>
  const out = {} as Record<(typeof FLAGS)[number], boolean>
  for (const name of FLAGS) {
    const raw = url.searchParams.get(name)
    if (raw === null || raw === '') out[name] = defaults[name] ?? false
    else if (/^(true|false)$/i.test(raw)) out[name] = raw.toLowerCase() === 'true'
    else throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
  }
  return out
}

type Kind = 'saldo' | 'result' | 'balance' | 'primo'

export function reportRoutes(ctx: DineroContext): Route[] {
  const rows = (org: Organisation, year: string, kind: Kind, showZero: boolean) => {
    const chart = ctx.store.entryAccounts(org.Id)
    const byNumber = new Map(chart.map((a) => [a.AccountNumber, a]))
    const wanted = (n: number) => {
      if (kind === 'saldo') return true
      const result = isResultAccount(n, byNumber.get(n))
      return kind === 'result' ? result : !result
    }
    const amounts: AccountAmount[] =
      kind === 'primo' ? primoBalances(ctx, org, year) : yearEndBalances(ctx, org, year)
    const found = new Map(amounts.map((a) => [a.AccountNumber, a]))
    if (showZero)
      for (const a of chart)
        if (!found.has(a.AccountNumber))
          found.set(a.AccountNumber, {
            AccountNumber: a.AccountNumber,
            AccountName: a.Name,
            Amount: 0,
            postedAt: 0,
          })
    return [...found.values()]
      .filter((a) => wanted(a.AccountNumber) && (showZero || a.Amount !== 0))
      .sort((a, b) => a.AccountNumber - b.AccountNumber)
      .map((a) => ({ AccountName: a.AccountName, AccountNumber: a.AccountNumber, Amount: a.Amount }))
  }
  return (['saldo', 'result', 'primo', 'balance'] as const).map((kind) =>
    orgRoute(ctx, 'GET', `/v1/:organizationId/:accountingYear/reports/${kind}`, ({ req, org }) => {
      const year = requireAccountingYear(ctx, org, req.params.accountingYear)
      const f = flags(req.url)
      return dineroJson(rows(org, year, kind, f.showZeroAccount))
    }),
  )
}

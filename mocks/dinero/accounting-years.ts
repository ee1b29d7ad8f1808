import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { orgRoute } from './endpoint.ts'
import { accountingYears } from './ledger.ts'
import { paginate } from './query.ts'

/**
 * Accounting years (dinero-openapi): GET /v1/:org/accountingyears, a plain array of
 * AccountingYearReadModel {Name '2022', FromDate '2022-01-01', ToDate '2022-12-31',
 * SalarySumTaxStateEnum}, one per year the ledger has (ledger.ts: calendar years, opened by
 * booking in them, up to the clock's year), oldest first.
 * assumption: open-dinero-unlisted-responses — no organisation here pays the salary-sum tax
 * ("lønsumsafgift"), so SalarySumTaxStateEnum is `None`; the order of the list is not documented.
 */
export function accountingYearRoutes(ctx: DineroContext): Route[] {
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/accountingyears', ({ org }) => {
      const years = accountingYears(ctx, org).map((year) => ({
        Name: year,
        FromDate: `${year}-01-01`,
        ToDate: `${year}-12-31`,
        SalarySumTaxStateEnum: 'None',
      }))
      if (ctx.deviations.has('dinero.accounting-years-enveloped'))
        return dineroJson(paginate(years, { page: 0, pageSize: 100 }))
      return dineroJson(years)
    }),
  ]
}

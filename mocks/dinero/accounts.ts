import type { Route } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { orgRoute } from './endpoint.ts'
import { type FieldSpec, project, selectFields } from './query.ts'

/**
 * Accounts (dinero-openapi), plain JSON arrays (no envelope):
 * - GET /v1/:org/accounts/entry: EntryAccountReadModel items, `fields` default
 *   `AccountNumber,Name,IsHidden`, `categoryFilter` (a category name, case-insensitive);
 * - GET /v1/:org/accounts/deposit: DepositAccountReadModel items, `fields` default `AccountNumber,Name`.
 */
const ENTRY_FIELDS: FieldSpec = {
  defaults: 'AccountNumber,Name,IsHidden',
  allowed: [
    'AccountNumber',
    'PublicStandardNumber',
    'Name',
    'VatCode',
    'Category',
    'CategoryName',
    'IsHidden',
    'IsDefaultSalesAccount',
  ],
}

const DEPOSIT_FIELDS: FieldSpec = {
  defaults: 'AccountNumber,Name',
  allowed: [
    'AccountNumber',
    'PublicStandardNumber',
    'Name',
    'IsDefault',
    'IsHidden',
    'BankRegistrationNumber',
    'BankAccountNumber',
    'BankSwiftNumber',
    'BankIbanNumber',
  ],
}

export function accountRoutes(ctx: DineroContext): Route[] {
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/accounts/entry', ({ req, org }) => {
      const fields = selectFields(req.url, ENTRY_FIELDS, ctx.deviations)
      const category = req.url.searchParams.get('categoryFilter')?.trim().toLowerCase() ?? ''
      const accounts = ctx.store
        .entryAccounts(org.Id)
        .filter((a) => category === '' || a.Category.toLowerCase() === category)
      return dineroJson(accounts.map((a) => project({ ...a }, fields)))
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/accounts/deposit', ({ req, org }) => {
      const fields = selectFields(req.url, DEPOSIT_FIELDS, ctx.deviations)
      return dineroJson(ctx.store.depositAccounts(org.Id).map((a) => project({ ...a }, fields)))
    }),
  ]
}

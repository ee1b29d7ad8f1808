import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { AccountCreateModel, DepositCreateModel } from './contract/index.ts'
import { orgRoute } from './endpoint.ts'
import { validationError } from './errors.ts'
import { type FieldSpec, project, selectFields } from './query.ts'
import type { Organisation } from './store.ts'

/**
 * Accounts (dinero-openapi), plain JSON arrays (no envelope):
 * - GET /v1/:org/accounts/entry: EntryAccountReadModel items, `fields` default
 *   `AccountNumber,Name,IsHidden`, `categoryFilter` (a category name, case-insensitive);
 * - GET /v1/:org/accounts/deposit: DepositAccountReadModel items, `fields` default `AccountNumber,Name`;
 * - GET /v1/:org/accounts/purchase: "entry accounts in the range 2000 to 9399 (expense before tax
 *   range)", `fields` default all of AccountNumber, Name, VatCode, Category, CategoryName, IsHidden;
 * - POST /v1/:org/accounts/entry `AccountCreateModel` → 200 without a body, the account listed from
 *   then on; a number already taken, or a VatCode that is not a VAT code (U25, I25, UVC, KUNS; `none`
 *   for no VAT) → 400 code 42 naming the field;
 * - POST /v1/:org/accounts/deposit `DepositCreateModel` → 200; it is an entry account too (as the
 *   seeded 55000 is), so a taken number → 400 code 42.
 * assumption: open-dinero-unlisted-responses — a created entry account's category is `Not Set` (one
 * of the documented categories), as the body names none.
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

const PURCHASE_FIELDS: FieldSpec = {
  defaults: 'AccountNumber,Name,VatCode,Category,CategoryName,IsHidden',
  allowed: ENTRY_FIELDS.allowed,
}

const VAT_CODES = ['U25', 'I25', 'UVC', 'KUNS']

export function accountRoutes(ctx: DineroContext): Route[] {
  const taken = (org: Organisation, n: number) =>
    ctx.store.entryAccounts(org.Id).some((a) => a.AccountNumber === n) ||
    ctx.store.depositAccounts(org.Id).some((a) => a.AccountNumber === n)
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/accounts/purchase', ({ req, org }) => {
      const fields = selectFields(req.url, PURCHASE_FIELDS, ctx.deviations)
      const accounts = ctx.store
        .entryAccounts(org.Id)
        .filter((a) => a.AccountNumber >= 2000 && a.AccountNumber <= 9399)
      return dineroJson(accounts.map((a) => project({ ...a }, fields)))
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/accounts/entry', async ({ req, org }) => {
      const body = validate(AccountCreateModel, await readJson(req.request), 'AccountCreateModel')
      if (taken(org, body.Number)) throw validationError({ Number: `Account ${body.Number} already exists` })
      const none = body.VatCode.toLowerCase() === 'none'
      const code = VAT_CODES.find((c) => c === body.VatCode.toUpperCase())
      if (!none && code === undefined)
        throw validationError({
          VatCode: `'${body.VatCode}' is not a VAT code; use ${VAT_CODES.join(', ')} or none`,
        })
      ctx.store.addEntryAccount(org.Id, {
        AccountNumber: body.Number,
        PublicStandardNumber: body.PublicStandardNumber ?? null,
        Name: body.Name,
        VatCode: none ? null : (code ?? null),
        Category: 'Not Set',
        CategoryName: 'Not Set',
        IsHidden: false,
        IsDefaultSalesAccount: false,
      })
      return emptyOk()
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/accounts/deposit', async ({ req, org }) => {
      const body = validate(DepositCreateModel, await readJson(req.request), 'DepositCreateModel')
      if (taken(org, body.Number)) throw validationError({ Number: `Account ${body.Number} already exists` })
      ctx.store.addDepositAccount(org.Id, {
        AccountNumber: body.Number,
        PublicStandardNumber: body.PublicStandardNumber ?? null,
        Name: body.Name,
        IsDefault: false,
        IsHidden: false,
        BankRegistrationNumber: body.RegistrationNumber ?? null,
        BankAccountNumber: body.AccountNumber ?? null,
        BankSwiftNumber: body.SwiftNumber ?? null,
        BankIbanNumber: body.IbanNumber ?? null,
      })
      ctx.store.addEntryAccount(org.Id, {
        AccountNumber: body.Number,
        PublicStandardNumber: body.PublicStandardNumber ?? null,
        Name: body.Name,
        VatCode: null,
        Category: 'Liquid Assets',
        CategoryName: 'Likvide beholdninger',
        IsHidden: false,
        IsDefaultSalesAccount: false,
      })
      return emptyOk()
    }),
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

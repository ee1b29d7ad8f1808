import { randomUUID } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { ProductCreateModel, ProductUpdateModel } from './contract/index.ts'
import { orgRoute } from './endpoint.ts'
import { itemDeleted, notFound } from './errors.ts'
import { round2, vatRate } from './pricing.ts'
import {
  dateTime,
  type FieldSpec,
  matchesFilter,
  paginate,
  parseChangesSince,
  parseDeletedOnly,
  parsePaging,
  parseQueryFilter,
  passesLifecycle,
  project,
  selectFields,
} from './query.ts'
import type { Organisation, ProductData, Row } from './store.ts'

/**
 * Products (dinero-openapi):
 * - GET /v1/:org/products: `ProductReadModelDineroCollection`, `fields` default `Name,ProductGuid`,
 *   `freeTextSearch` (Name, ProductNumber), `queryFilter` (Name, ProductNumber, ExternalReference),
 *   `changesSince`, `deletedOnly`, paging; ordered by UpdatedAt (the spec's "Ordered by UpdatedAt");
 * - GET /v1/:org/products/:guid → ProductReadModel (VAT-inclusive and total amounts derived);
 * - POST /v1/:org/products `ProductCreateModel` → 200 `{"ProductGuid":…}`;
 * - PUT /v1/:org/products/:guid `ProductUpdateModel` → 200, empty; DELETE → soft delete, 200.
 */
const PRODUCT_FIELDS: FieldSpec = {
  defaults: 'Name,ProductGuid',
  allowed: [
    'Name',
    'ProductGuid',
    'ProductNumber',
    'Quantity',
    'Unit',
    'AccountNumber',
    'BaseAmountValue',
    'BaseAmountValueInclVat',
    'TotalAmount',
    'TotalAmountInclVat',
    'ExternalReference',
    'Comment',
    'CreatedAt',
    'UpdatedAt',
    'DeletedAt',
  ],
}

const FILTERABLE = ['Name', 'ProductNumber', 'ExternalReference'] as const

function productReadModel(
  ctx: DineroContext,
  org: Organisation,
  row: Row<ProductData>,
): Record<string, unknown> {
  const rate = vatRate(org, ctx.store.entryAccounts(org.Id), row.data.AccountNumber)
  const total = row.data.BaseAmountValue * row.data.Quantity
  return {
    CreatedAt: dateTime(row.createdAt),
    UpdatedAt: dateTime(row.updatedAt),
    DeletedAt: row.deletedAt === null ? null : dateTime(row.deletedAt),
    ProductGuid: row.guid,
    BaseAmountValueInclVat: round2(row.data.BaseAmountValue * (1 + rate)),
    TotalAmount: round2(total),
    TotalAmountInclVat: round2(total * (1 + rate)),
    ...row.data,
  }
}

function productData(body: ProductCreateModel): ProductData {
  return {
    ProductNumber: body.ProductNumber ?? null,
    Name: body.Name ?? null,
    BaseAmountValue: body.BaseAmountValue,
    Quantity: body.Quantity,
    AccountNumber: body.AccountNumber,
    Unit: body.Unit,
    ExternalReference: body.ExternalReference ?? null,
    Comment: body.Comment ?? null,
  }
}

export function productRoutes(ctx: DineroContext): Route[] {
  const find = (orgId: number, guid: string | undefined) => {
    const row = guid === undefined ? undefined : ctx.store.products(orgId).get(guid)
    if (row === undefined) throw notFound('Product')
    return row
  }
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/products', ({ req, org }) => {
      const fields = selectFields(req.url, PRODUCT_FIELDS, ctx.deviations)
      const conditions = parseQueryFilter(req.url.searchParams.get('queryFilter'), FILTERABLE)
      const changesSince = parseChangesSince(req.url)
      const deletedOnly = parseDeletedOnly(req.url, false)
      const search = req.url.searchParams.get('freeTextSearch')?.toLowerCase() ?? ''
      const paging = parsePaging(req.url, ctx.deviations)
      const rows = ctx.store
        .products(org.Id)
        .all()
        .filter((row) => passesLifecycle(row, deletedOnly, changesSince))
        .filter(
          (row) =>
            search === '' ||
            `${row.data.Name ?? ''}\n${row.data.ProductNumber ?? ''}`.toLowerCase().includes(search),
        )
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .map((row) => productReadModel(ctx, org, row))
        .filter((p) => matchesFilter(p, conditions))
      const page = paginate(rows, paging)
      return dineroJson({ ...page, Collection: page.Collection.map((p) => project(p, fields)) })
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/products/:guid', ({ req, org }) =>
      dineroJson(productReadModel(ctx, org, find(org.Id, req.params.guid))),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/products', async ({ req, org }) => {
      const body = validate(ProductCreateModel, await readJson(req.request), 'ProductCreateModel')
      const row = ctx.store.products(org.Id).insert(randomUUID(), productData(body))
      if (row === undefined) throw new Error('product guid collision')
      req.note({ productGuid: row.guid })
      return dineroJson({ ProductGuid: row.guid })
    }),
    orgRoute(ctx, 'PUT', '/v1/:organizationId/products/:guid', async ({ req, org }) => {
      const body = validate(ProductUpdateModel, await readJson(req.request), 'ProductUpdateModel')
      const current = find(org.Id, req.params.guid)
      if (current.deletedAt !== null) throw itemDeleted('ProductGuid')
      ctx.store.products(org.Id).modify(current.guid, undefined, () => ({ data: productData(body) }))
      return emptyOk()
    }),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/products/:guid', ({ req, org }) => {
      const current = find(org.Id, req.params.guid)
      if (current.deletedAt === null)
        ctx.store.products(org.Id).modify(current.guid, undefined, () => ({ deletedAt: ctx.clock.now() }))
      return emptyOk()
    }),
  ]
}

import type { Route } from '../routes.ts'
import { dineroJsonText, dineroText } from './body.ts'
import type { DineroContext } from './context.ts'
import { userRoute } from './endpoint.ts'
import { type FieldSpec, project, selectFields } from './query.ts'
import type { Organisation } from './store.ts'

/**
 * The organisation lists (dinero-openapi), the only operations a non-Pro organisation's user
 * may call (dinero-api-docs):
 * - GET /v1/organizations: plain array of OrganizationReadModel projected by `fields` (default
 *   `id,name,isPro`, so lower-camel keys), keys echoed as requested, unknown names dropped;
 * - GET /v1.1/organizations: plain array of OrganizationReadModelV2 with `Subscription`, no `fields`.
 * Only organisations the token's user can access are listed. Deviation
 * `dinero.organizations-v1-1-as-v1`: the v1.1 path answers the v1 default (`id, name, isPro`).
 */
const ORGANIZATION_FIELDS: FieldSpec = {
  defaults: 'id,name,isPro',
  allowed: [
    'Name',
    'Id',
    'Type',
    'IsPro',
    'IsPayingPro',
    'IsVatFree',
    'Email',
    'Phone',
    'Street',
    'City',
    'ZipCode',
    'AttPerson',
    'IsTaxFreeUnion',
    'VatNumber',
    'CountryKey',
    'Website',
  ],
}

function readModelV2(o: Organisation) {
  return {
    Name: o.Name,
    Id: o.Id,
    CompanyTypeKey: o.CompanyTypeKey,
    IsVatFree: o.IsVatFree,
    Email: o.Email,
    Phone: o.Phone,
    Street: o.Street,
    City: o.City,
    ZipCode: o.ZipCode,
    AttPerson: o.AttPerson,
    IsTaxFreeUnion: o.IsTaxFreeUnion,
    VatNumber: o.VatNumber,
    CountryKey: o.CountryKey,
    Website: o.Website,
    RoleKey: o.RoleKey,
    Subscription: { ...o.Subscription },
  }
}

export function organizationRoutes(ctx: DineroContext): Route[] {
  return [
    userRoute(ctx, 'GET', '/v1/organizations', ({ req, caller }) => {
      const fields = selectFields(req.url, ORGANIZATION_FIELDS, ctx.deviations)
      const orgs = ctx.store.organisationsOf(caller.subject)
      return dineroJsonText(
        dineroText(orgs.map((o) => project(o as unknown as Record<string, unknown>, fields))),
      )
    }),
    userRoute(ctx, 'GET', '/v1.1/organizations', ({ caller }) => {
      const orgs = ctx.store.organisationsOf(caller.subject)
      if (!ctx.deviations.has('dinero.organizations-v1-1-as-v1'))
        return dineroJsonText(dineroText(orgs.map(readModelV2)))
      const fields = selectFields(new URL('http://v1/'), ORGANIZATION_FIELDS, ctx.deviations)
      return dineroJsonText(
        dineroText(orgs.map((o) => project(o as unknown as Record<string, unknown>, fields))),
      )
    }),
  ]
}

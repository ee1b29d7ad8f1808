import { randomUUID } from 'node:crypto'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { ContactCreateModel, ContactUpdateModel } from './contract/index.ts'
import { type OrgCall, orgRoute } from './endpoint.ts'
import { itemDeleted, notFound, validationError } from './errors.ts'
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
import type { ContactData, Row } from './store.ts'

/**
 * Contacts (dinero-openapi):
 * - GET /v1/:org/contacts and /v2/:org/contacts: `ContactReadModelDineroCollection` with `fields`
 *   (default `name,contactGuid`), `queryFilter` (ExternalReference, Name, Email, VatNumber,
 *   EanNumber, IsPerson, Phone), `changesSince`, `deletedOnly` (v1 absent ⇒ live only, v2 absent ⇒
 *   deleted and live), `page`/`pageSize`;
 * - GET /v1/:org/contacts/:guid → ContactReadModel (a deleted contact has `DeletedAt`);
 * - POST /v1/:org/contacts `ContactCreateModel` → 200 `{"ContactGuid":…}`. dinero-api-errors lists a
 *   201 "Created" status, but the spec declares 200 with ContactCreatedResult: the spec wins;
 * - PUT /v2/:org/contacts/:guid (and the deprecated /v1 one) `ContactUpdateModel` → 200, empty;
 * - DELETE /v1/:org/contacts/:guid → soft delete; POST …/:guid/restore → live again.
 */
const CONTACT_FIELDS: FieldSpec = {
  defaults: 'name,contactGuid',
  allowed: [
    'Name',
    'ContactGuid',
    'ExternalReference',
    'IsPerson',
    'Street',
    'ZipCode',
    'City',
    'CountryKey',
    'Phone',
    'Email',
    'Webpage',
    'AttPerson',
    'VatNumber',
    'EanNumber',
    'PaymentConditionType',
    'PaymentConditionNumberOfDays',
    'IsMember',
    'MemberNumber',
    'CompanyStatus',
    'VatRegionKey',
    'CreatedAt',
    'UpdatedAt',
    'DeletedAt',
    'PreferredInvoiceLanguageKey',
    'PreferredInvoiceCurrencyKey',
    // Every other ContactReadModel property can be asked for too (the list item is that model).
    'IsDebitor',
    'IsCreditor',
    'SENumber',
    'PNumber',
    'UseCvr',
    'CompanyTypeKey',
    'InvoiceMailOutOptionKey',
  ],
}

const FILTERABLE = [
  'ExternalReference',
  'Name',
  'Email',
  'VatNumber',
  'EanNumber',
  'IsPerson',
  'Phone',
] as const

const EU = new Set('AT BE BG CY CZ DE EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '))
const vatRegion = (country: string) =>
  country === 'DK' ? 'DK' : EU.has(country.toUpperCase()) ? 'EU' : 'World'

export function contactReadModel(row: Row<ContactData>): Record<string, unknown> {
  return {
    ContactGuid: row.guid,
    CreatedAt: dateTime(row.createdAt),
    UpdatedAt: dateTime(row.updatedAt),
    DeletedAt: row.deletedAt === null ? null : dateTime(row.deletedAt),
    IsDebitor: true,
    IsCreditor: false,
    CompanyStatus: null,
    VatRegionKey: vatRegion(row.data.CountryKey),
    ...row.data,
  }
}

type ContactBody = Omit<ContactCreateModel, 'ContactGuid'>

function contactData(body: ContactBody): ContactData {
  return {
    ExternalReference: body.ExternalReference ?? null,
    Name: body.Name,
    Street: body.Street ?? null,
    ZipCode: body.ZipCode ?? null,
    City: body.City ?? null,
    CountryKey: body.CountryKey,
    Phone: body.Phone ?? null,
    Email: body.Email ?? null,
    Webpage: body.Webpage ?? null,
    AttPerson: body.AttPerson ?? null,
    VatNumber: body.VatNumber ?? null,
    EanNumber: body.EanNumber ?? null,
    SENumber: body.SENumber ?? null,
    PNumber: body.PNumber ?? null,
    PaymentConditionType: body.PaymentConditionType ?? 'Netto',
    PaymentConditionNumberOfDays:
      body.PaymentConditionType === 'NettoCash' ? null : (body.PaymentConditionNumberOfDays ?? 8),
    IsPerson: body.IsPerson,
    IsMember: body.IsMember,
    MemberNumber: body.MemberNumber ?? null,
    UseCvr: body.UseCvr,
    CompanyTypeKey: body.CompanyTypeKey ?? null,
    InvoiceMailOutOptionKey: body.InvoiceMailOutOptionKey ?? null,
    PreferredInvoiceLanguageKey: body.PreferredInvoiceLanguageKey ?? null,
    PreferredInvoiceCurrencyKey: body.PreferredInvoiceCurrencyKey ?? null,
  }
}

function list(ctx: DineroContext, { req, org }: OrgCall, deletedWhenAbsent: boolean | undefined): Response {
  const fields = selectFields(req.url, CONTACT_FIELDS, ctx.deviations)
  const conditions = parseQueryFilter(req.url.searchParams.get('queryFilter'), FILTERABLE)
  const changesSince = parseChangesSince(req.url)
  const deletedOnly = parseDeletedOnly(req.url, deletedWhenAbsent)
  const paging = parsePaging(req.url, ctx.deviations)
  const live = ctx.store
    .contacts(org.Id)
    .all()
    .filter((row) => passesLifecycle(row, deletedOnly, changesSince))
  // Read models are built only where needed: for the filter, and then for the page's rows.
  const rows =
    conditions.length === 0 ? live : live.filter((row) => matchesFilter(contactReadModel(row), conditions))
  const page = paginate(rows, paging)
  return dineroJson({
    ...page,
    Collection: page.Collection.map((row) => project(contactReadModel(row), fields)),
  })
}

export function findContact(ctx: DineroContext, orgId: number, guid: string | undefined): Row<ContactData> {
  const row = guid === undefined ? undefined : ctx.store.contacts(orgId).get(guid)
  if (row === undefined) throw notFound('Contact')
  return row
}

export function contactRoutes(ctx: DineroContext): Route[] {
  const update = async ({ req, org }: OrgCall) => {
    const body = validate(ContactUpdateModel, await readJson(req.request), 'ContactUpdateModel')
    const current = findContact(ctx, org.Id, req.params.guid)
    if (current.deletedAt !== null) throw itemDeleted('ContactGuid')
    ctx.store.contacts(org.Id).modify(current.guid, undefined, () => ({ data: contactData(body) }))
    ctx.webhooks.emit(org.Id, 'contact.updated', current.guid)
    return emptyOk()
  }
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/contacts', (call) => list(ctx, call, false)),
    orgRoute(ctx, 'GET', '/v2/:organizationId/contacts', (call) => list(ctx, call, undefined)),
    orgRoute(ctx, 'POST', '/v1/:organizationId/contacts/:guid/restore', ({ req, org }) => {
      const current = findContact(ctx, org.Id, req.params.guid)
      if (current.deletedAt !== null)
        ctx.store.contacts(org.Id).modify(current.guid, undefined, () => ({ deletedAt: null }))
      return emptyOk()
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/contacts/:guid', ({ req, org }) =>
      dineroJson(contactReadModel(findContact(ctx, org.Id, req.params.guid))),
    ),
    orgRoute(ctx, 'POST', '/v1/:organizationId/contacts', async ({ req, org }) => {
      const body = validate(ContactCreateModel, await readJson(req.request), 'ContactCreateModel')
      const guid = body.ContactGuid ?? randomUUID()
      const row = ctx.store.contacts(org.Id).insert(guid, contactData(body))
      if (row === undefined)
        throw validationError({ ContactGuid: 'A contact with this ContactGuid already exists' })
      req.note({ contactGuid: row.guid })
      ctx.webhooks.emit(org.Id, 'contact.created', row.guid)
      return dineroJson({ ContactGuid: row.guid })
    }),
    orgRoute(ctx, 'PUT', '/v2/:organizationId/contacts/:guid', update),
    orgRoute(ctx, 'PUT', '/v1/:organizationId/contacts/:guid', update),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/contacts/:guid', ({ req, org }) => {
      const current = findContact(ctx, org.Id, req.params.guid)
      if (current.deletedAt === null) {
        ctx.store.contacts(org.Id).modify(current.guid, undefined, () => ({ deletedAt: ctx.clock.now() }))
        ctx.webhooks.emit(org.Id, 'contact.deleted', current.guid)
      }
      return emptyOk()
    }),
  ]
}

import { randomUUID } from 'node:crypto'
import type { Answer, Route } from '../routes.ts'
import { dineroJson, dineroJsonText, dineroText, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { ContactCreateModel, ContactUpdateModel } from './contract/index.ts'
import { type OrgCall, orgRoute } from './endpoint.ts'
import { itemDeleted, notFound, validationError } from './errors.ts'
import {
  dateTime,
  envelopeText,
  type FieldSpec,
  matchesFilter,
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
export const CONTACT_FIELDS: FieldSpec = {
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

export const CONTACT_FILTERABLE = [
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

/** A row's read model and its list-item texts, one per `fields` selection. */
interface Serialised {
  model: Readonly<Record<string, unknown>> | undefined
  texts: Map<string, string>
}

/** Selections kept per row: a client asks for a few, a fuzzer for many; past this they start over. */
const SELECTIONS_PER_ROW = 8

/**
 * A contacts page was bound by building a read model per row and serialising it on every request
 * (docs/BENCH.md). Rows never change in place: every write (insert, modify, restore, delete) stores
 * a new row object (store.ts), and `reset()` new tables. So what a row object serialises to is kept
 * with the object itself, in a WeakMap: a write leaves the old row's entry unreachable, never stale,
 * and the entries go when the rows do. One cache per mock, made with its routes.
 */
function createRowCache() {
  const byRow = new WeakMap<Row<ContactData>, Serialised>()
  const entry = (row: Row<ContactData>) => {
    let e = byRow.get(row)
    if (e === undefined) {
      e = { model: undefined, texts: new Map() }
      byRow.set(row, e)
    }
    return e
  }
  const model = (row: Row<ContactData>) => {
    const e = entry(row)
    e.model ??= contactReadModel(row)
    return e.model
  }
  return {
    model,
    /** `dineroText(project(contactReadModel(row), fields))`, `key` naming the selection. */
    text(row: Row<ContactData>, fields: readonly (readonly [string, string])[], key: string): string {
      const e = entry(row)
      let text = e.texts.get(key)
      if (text === undefined) {
        text = dineroText(project(model(row), fields))
        if (e.texts.size >= SELECTIONS_PER_ROW) e.texts.clear()
        e.texts.set(key, text)
      }
      return text
    },
  }
}

type RowCache = ReturnType<typeof createRowCache>

function list(
  ctx: DineroContext,
  cache: RowCache,
  { req, org }: OrgCall,
  deletedWhenAbsent: boolean | undefined,
): Answer {
  const fields = selectFields(req.url, CONTACT_FIELDS, ctx.deviations)
  const conditions = parseQueryFilter(req.url.searchParams.get('queryFilter'), CONTACT_FILTERABLE)
  const changesSince = parseChangesSince(req.url)
  const deletedOnly = parseDeletedOnly(req.url, deletedWhenAbsent)
  const paging = parsePaging(req.url, ctx.deviations)
  const live = ctx.store
    .contacts(org.Id)
    .all()
    .filter((row) => passesLifecycle(row, deletedOnly, changesSince))
  const rows =
    conditions.length === 0 ? live : live.filter((row) => matchesFilter(cache.model(row), conditions))
  const key = JSON.stringify(fields)
  return dineroJsonText(envelopeText(rows, paging, (row) => cache.text(row, fields, key)))
}

export function findContact(ctx: DineroContext, orgId: number, guid: string | undefined): Row<ContactData> {
  const row = guid === undefined ? undefined : ctx.store.contacts(orgId).get(guid)
  if (row === undefined) throw notFound('Contact')
  return row
}

export function contactRoutes(ctx: DineroContext): Route[] {
  const cache = createRowCache()
  const update = async ({ req, org }: OrgCall) => {
    const body = validate(ContactUpdateModel, await readJson(req.request), 'ContactUpdateModel')
    const current = findContact(ctx, org.Id, req.params.guid)
    if (current.deletedAt !== null) throw itemDeleted('ContactGuid')
    ctx.store.contacts(org.Id).modify(current.guid, undefined, () => ({ data: contactData(body) }))
    ctx.webhooks.emit(org.Id, 'contact.updated', current.guid)
    return emptyOk()
  }
  return [
    orgRoute(ctx, 'GET', '/v1/:organizationId/contacts', (call) => list(ctx, cache, call, false)),
    orgRoute(ctx, 'GET', '/v2/:organizationId/contacts', (call) => list(ctx, cache, call, undefined)),
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

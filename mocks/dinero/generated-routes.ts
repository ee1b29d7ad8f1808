import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Deviations } from '../deviations.ts'
import type { Method, Route, RouteRequest } from '../routes.ts'
import { dineroJson, emptyOk, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { exampleOf } from './contract/examples.ts'
import { type Component, extraction, labelModel, type Operation } from './contract/extraction.ts'
import { generated } from './contract/index.ts'
import { calendarInstant } from './dates.ts'
import { type OrgCall, orgRoute, type UserCall, userRoute } from './endpoint.ts'
import { invalidFormat, notFound, timestampOutOfDate, validationError } from './errors.ts'
import { documentPdf } from './pdf.ts'
import { dateTime, paginate, parsePaging } from './query.ts'
import type { GenericRecord, Row, Table } from './store.ts'

/**
 * Every operation of the extraction (dinero-openapi) that no hand-written route models, generated
 * from the operation itself. Hand-written, 127 operations (each file's header lists its own):
 * organizations.ts (both organisation lists), contacts.ts (lists v1/v2, get, create, update
 * v1/v2, delete, restore), products.ts (list, get, create, update, delete), invoices.ts (list,
 * get, create, update, delete, book, add payment, payments, delete payment), vouchers.ts (purchase vouchers:
 * create v1.1/v1.2, get, update v1/v1.1, delete, book), manual-vouchers.ts (manual vouchers:
 * create, get, update, delete, book), ledger-items.ts (all six ledger item operations), ledger.ts
 * (entries, entry changes), accounts.ts (all five account operations), trade-offers.ts (all ten
 * trade offer operations), reminders.ts (all eleven reminder operations), mailouts.ts (invoice
 * e-mail, e-mail template v2, pre-reminder template and send, e-invoice v3, invoice mailouts,
 * SMS), accounting-years.ts (accounting years), reports.ts (saldo, result, primo and balance
 * reports), vat-types.ts (VAT types), countries.ts (countries), state-of-account.ts (a contact's
 * state of account, its PDF and e-mail), sales.ts (sales list, sales settings), credit-notes.ts
 * (all fifteen sales credit note operations, invoice generate-creditnote), purchase-credit-notes.ts
 * (all five purchase credit note operations, purchase voucher generate-creditnote, the three
 * credit payment operations),
 * files.ts (the four Files operations and the purchase-draft look-up by file),
 * attachments.ts (all four attachment operations), webhooks.ts (all four webhook operations).
 * Generated here: the other 9, found by comparing the extraction's
 * operations
 * with the hand-written route table, so a new hand-written route takes its operation over by
 * existing. What a generated operation does:
 * - the gate of the modelled routes (endpoint.ts): token → 401 code 41, read scope for GET and
 *   write scope otherwise → 403 code 41, organisation, Pro and rate limit;
 * - path Guids that are not Guids → 404 code 40; declared query parameters of type int32,
 *   boolean or date-time that do not parse → 400 code 44; `page`/`pageSize` as query.ts reads them;
 * - the body: not JSON → 400 code 44; checked with the body model's generated schema (required
 *   properties, types, enums, unknown properties) → 400 code 42 with `validationErrors`; a body
 *   the extraction marks optional may be left out; uploads (multipart) are taken as sent;
 * - simple resources (a POST on a collection path whose `…/{guid}` has a GET: now only contact
 *   notes) keep their bodies
 *   in a generic per-organisation store: create → the created answer with the new Guid and version; get,
 *   update, delete and every `…/{guid}/…` action → 404 code 40 for an unknown Guid; update and
 *   delete honour a sent `Timestamp` (stale → 400 code 58); lists list what was stored;
 * - the answer is built from the 200 model: the stored body where the read model has the same
 *   property with a value it accepts, Guid/version/created-updated instants from the store, the
 *   model's neutral values for the rest (contract/examples.ts); `OK` → 200 without a body; pdf and
 *   file bytes → a small valid one-page PDF naming the operation (pdf.ts).
 * assumption: open-dinero-unlisted-responses — the nine generated now are the invoice templates
 * list, the invoice and purchase-voucher `fetch` previews, the similar-purchase-vouchers search
 * and the five contact note operations; their domain rules are not modelled: the previews
 * compute no totals, the search finds nothing Dinero would, notes are kept as sent. A schema-valid answer says the request was well-formed and authorised, not what
 * Dinero would compute. Booking, e-mail, reports and ledger postings are hand-written (above).
 */

const ZERO_GUID = '00000000-0000-0000-0000-000000000000'
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const CREATED = new Set(['CreatedResponseModel', 'UpdatedResponseModel'])

const normalised = (path: string) => path.replace(/\{\w+\}|:\w+/g, '{}').toLowerCase()
const toRoutePath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1')
/** The resource a path belongs to, version left out: `/v1.2/{organizationId}/tradeoffers` → `/{}/tradeoffers`. */
const resourceKey = (path: string) => normalised(path).replace(/^\/v[\d.]+/, '')

/**
 * Literal segments before parameters, so `/x/next` is tried before `/x/{id}`: paths ordered by
 * their pattern of literal (0) and parameter (1) segments, a total order (a pairwise "literal
 * wins at the first difference" is not transitive, and sort would scramble it).
 */
const shapeKey = (op: Operation) =>
  op.path
    .split('/')
    .map((seg) => (seg.startsWith('{') ? '1' : '0'))
    .join('')
const bySpecificity = (a: Operation, b: Operation) =>
  shapeKey(a) < shapeKey(b) ? -1 : shapeKey(a) > shapeKey(b) ? 1 : 0

/** The operations no hand-written route answers. */
export function unmodelledOperations(handWritten: readonly Route[]): Operation[] {
  const taken = new Set(handWritten.map((r) => `${r.method} ${normalised(r.path)}`))
  return extraction()
    .operations.filter((op) => !taken.has(`${op.method} ${normalised(op.path)}`))
    .sort(bySpecificity)
}

interface Resource {
  /** The collection path without version, parameters as `{}`. */
  key: string
  noun: string
  /**
   * How a new item is named: a Guid; a number (`…/reminders/{id}`, an int32 `Id`); or a file id,
   * 32 lower-case letters and digits (FileSavedReadModel: "NOT a uuid").
   */
  ids: 'guid' | 'number' | 'file'
}

/** `SalesCreditNotes` → `Sales credit note`, as the hand-written 404s name their entity. */
const nounOf = (tag: string) => {
  const words = tag
    .replace(/s$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
  return words === '' ? 'Item' : words[0]!.toUpperCase() + words.slice(1)
}

/** Collections that have a POST (create) and a GET on `…/{guid}`, among the given operations. */
function resourcesOf(ops: readonly Operation[]): Map<string, Resource> {
  const out = new Map<string, Resource>()
  for (const op of ops) {
    if (op.method !== 'POST' || op.path.endsWith('}')) continue
    const key = resourceKey(op.path)
    const get = ops.find((o) => o.method === 'GET' && resourceKey(o.path) === `${key}/{}`)
    if (get === undefined) continue
    const model = labelModel(get.response)?.name
    const id = model === undefined ? undefined : extraction().components.get(model)?.properties.Id
    const created = labelModel(op.response)?.name
    const ids = id?.shape.kind === 'int32' ? 'number' : created === 'FileSavedReadModel' ? 'file' : 'guid'
    out.set(key, { key, noun: nounOf(op.tag), ids })
  }
  return out
}

/** The resource and Guid a path under a generic resource names (`…/creditnotes/{guid}/book`). */
function parentOf(op: Operation, resources: Map<string, Resource>) {
  const key = resourceKey(op.path)
  for (const [k, r] of resources) {
    if (key.startsWith(`${k}/{}`)) {
      const index = k.split('/').length
      const param = /\{(\w+)\}/.exec(op.path.replace(/^\/v[\d.]+/, '').split('/')[index] ?? '')?.[1]
      if (param !== undefined) return { resource: r, param, whole: key === `${k}/{}` }
    }
  }
  return undefined
}

/** `fileGuid` is named like a Guid but is a 32-character file id (FileSavedReadModel). */
const isGuidParam = (op: Operation, name: string) =>
  (/guid$/i.test(name) && name !== 'fileGuid') || op.params.some((p) => p.name === name && p.type === 'uuid')

const fileId = () => randomUUID().replace(/-/g, '')

function checkQuery(op: Operation, url: URL, deviations: Deviations): void {
  for (const p of op.params) {
    if (p.in !== 'query') continue
    const raw = url.searchParams.get(p.name)
    if (raw === null || raw === '') continue
    const bad =
      (p.type === 'boolean' && !/^(true|false)$/i.test(raw)) ||
      (p.type === 'int32' && !/^[+-]?\d{1,10}$/.test(raw)) ||
      (p.type === 'date-time' && calendarInstant(raw) === undefined)
    if (bad) throw invalidFormat(`The value '${raw}' is not valid for ${p.name}.`)
  }
  if (op.params.some((p) => p.name === 'page' || p.name === 'pageSize')) parsePaging(url, deviations)
}

async function readBody(op: Operation, req: RouteRequest): Promise<unknown> {
  if (op.multipart) {
    await req.request.arrayBuffer()
    return undefined
  }
  const label = op.body === undefined ? undefined : labelModel(op.body)
  if (label === undefined) return undefined
  const raw = await readJson(req.request)
  if (raw === undefined && /optional/i.test(op.body ?? '')) return undefined
  const model = generated.schema(label.name)
  const schema: z.ZodType = label.array ? z.array(model) : model
  return validate(schema, raw, label.array ? `List\`1[${label.name}]` : label.name)
}

export function generatedRoutes(ctx: DineroContext, handWritten: readonly Route[]): Route[] {
  const ops = unmodelledOperations(handWritten)
  const resources = resourcesOf(ops)
  const components = extraction().components
  const now = () => dateTime(ctx.clock.now())

  /** A value of the response model: neutral values, overlaid with what the store knows. */
  const answer = (
    name: string,
    row: Row<GenericRecord> | undefined,
    guid: string,
    created = false,
  ): unknown => {
    const example = exampleOf(name, 'response', { now: now(), guid: ZERO_GUID }) as Record<string, unknown>
    if (typeof example !== 'object' || example === null) return example
    if (row === undefined) return 'Guid' in example ? { ...example, Guid: guid } : example
    const component: Component | undefined = components.get(name)
    const schema = generated.schema(name) as z.ZodType & { shape?: Record<string, z.ZodType> }
    const out: Record<string, unknown> = { ...example }
    const identity: Record<string, unknown> = {
      Guid: row.guid,
      Id: /^\d+$/.test(row.guid) ? Number(row.guid) : row.guid,
      TimeStamp: row.version,
      Timestamp: row.version,
      CreatedAt: dateTime(row.createdAt),
      UpdatedAt: dateTime(row.updatedAt),
      DeletedAt: row.deletedAt === null ? null : dateTime(row.deletedAt),
    }
    // A model described only in prose takes everything stored; a stated one what its properties accept.
    const open = component?.unresolved !== undefined
    if (open) {
      const { Id: _id, Timestamp: _version, ...known } = identity
      Object.assign(out, row.data, known)
    } else {
      for (const [key, value] of [...Object.entries(row.data), ...Object.entries(identity)])
        if (schema.shape?.[key]?.safeParse(value).success === true) out[key] = value
    }
    // A created answer names the new item in its one Guid property (ContactCreatedResult.ContactGuid).
    if (created)
      for (const key of Object.keys(component?.properties ?? {}))
        if (key.endsWith('Guid') && (out[key] === ZERO_GUID || out[key] === null)) out[key] = row.guid
    return schema.safeParse(out).success ? out : example
  }

  const respond = (
    op: Operation,
    req: RouteRequest,
    row: Row<GenericRecord> | undefined,
    list?: unknown[],
    guid = row?.guid ?? ZERO_GUID,
    created = false,
  ) => {
    const label = op.response
    if (/^OK\b/.test(label)) {
      if (/pdf|file bytes/.test(label)) return pdf(op)
      return emptyOk()
    }
    const accept = req.request.headers.get('accept') ?? ''
    if (/octet-stream/.test(label) && /octet-stream|pdf/.test(accept)) return pdf(op)
    const model = labelModel(label)
    if (model === undefined) return dineroJson([])
    if (model.array) return dineroJson(list ?? [])
    if (model.name.endsWith('DineroCollection')) {
      const paging = parsePaging(req.url, ctx.deviations)
      return dineroJson(paginate(list ?? [], paging))
    }
    return dineroJson(answer(model.name, row, guid, created))
  }

  const pdf = (op: Operation) =>
    new Response(documentPdf(op.summary, [`${op.method} ${op.path}`]), {
      status: 200,
      headers: { 'content-type': 'application/pdf' },
    })

  /**
   * One table per organisation and collection, the collection's own path parameters filled in, so
   * the notes of one contact are not another's (`/{}/contacts/<guid>/notes`).
   */
  const tableOf = (
    call: OrgCall | UserCall,
    r: Resource,
    op: Operation,
  ): Table<GenericRecord> | undefined => {
    if (!('org' in call)) return undefined
    const depth = r.key.split('/').length
    const segments = op.path
      .replace(/^\/v[\d.]+/, '')
      .split('/')
      .slice(0, depth)
    const concrete = segments
      .map((seg, i) => {
        const name = /^\{(\w+)\}$/.exec(seg)?.[1]
        if (name === undefined || i === 1) return i === 1 ? '{}' : seg.toLowerCase()
        return (call.req.params[name] ?? '').toLowerCase()
      })
      .join('/')
    return ctx.store.records(call.org.Id, concrete)
  }

  const handler = (op: Operation) => {
    const parent = parentOf(op, resources)
    const own = resources.get(resourceKey(op.path))
    // A list's items are its own answer's item model (SalesVoucherReadListModel for credit notes).
    const listed = labelModel(op.response)
    const itemModel = listed?.array
      ? listed.name
      : listed?.name.endsWith('DineroCollection')
        ? listed.name.slice(0, -'DineroCollection'.length)
        : undefined
    return async (call: OrgCall | UserCall): Promise<Response> => {
      const { req } = call
      for (const [name, value] of Object.entries(req.params))
        if (name !== 'organizationId' && isGuidParam(op, name) && !GUID.test(value))
          throw notFound(nounOf(op.tag))
      checkQuery(op, req.url, ctx.deviations)
      const body = await readBody(op, req)
      const sent = (body ?? {}) as Record<string, unknown>
      if (own !== undefined && op.method === 'POST') {
        const table = tableOf(call, own, op)
        if (table === undefined) return respond(op, req, undefined)
        const wanted =
          own.ids === 'number'
            ? String(table.all().length + 1)
            : own.ids === 'file'
              ? fileId()
              : typeof sent.Guid === 'string'
                ? sent.Guid
                : randomUUID()
        const row = table.insert(wanted, sent)
        if (row === undefined)
          throw validationError({ Guid: `An item with the Guid ${wanted} already exists` })
        req.note({ generatedGuid: row.guid })
        return respond(op, req, row, undefined, row.guid, true)
      }
      if (own !== undefined && op.method === 'GET') {
        const table = tableOf(call, own, op)
        const rows = table?.all() ?? []
        const items = rows.map((row) =>
          itemModel === undefined ? row.data : answer(itemModel, row, row.guid),
        )
        return respond(op, req, undefined, items)
      }
      if (parent !== undefined) {
        const table = tableOf(call, parent.resource, op)
        const guid = req.params[parent.param]
        const row = guid === undefined ? undefined : table?.get(guid)
        if (table === undefined || row === undefined) throw notFound(parent.resource.noun)
        const timestamp = typeof sent.Timestamp === 'string' ? sent.Timestamp : undefined
        const expected = ctx.deviations.has('dinero.ignore-timestamp') ? undefined : timestamp
        if (parent.whole && op.method === 'DELETE') {
          const result = table.remove(row.guid, expected)
          if (!result.ok && result.reason === 'stale') throw timestampOutOfDate()
          return respond(op, req, row)
        }
        if (parent.whole && op.method === 'PUT') {
          const { Timestamp: _version, ...fields } = sent
          const result = table.modify(row.guid, expected, () => ({ data: fields }))
          if (!result.ok && result.reason === 'stale') throw timestampOutOfDate()
          return respond(op, req, result.ok ? result.row : row)
        }
        if (parent.whole && op.method === 'GET') return respond(op, req, row)
        // An action that creates something (generate-invoice, generate-creditnote) answers with
        // the new item's Guid, not the one it was made from.
        const model = labelModel(op.response)?.name
        if (model !== undefined && CREATED.has(model))
          return respond(op, req, undefined, undefined, randomUUID())
        return respond(op, req, row)
      }
      return respond(op, req, undefined)
    }
  }

  return ops.map((op) => {
    const path = toRoutePath(op.path)
    const handle = handler(op)
    return path.includes(':organizationId')
      ? orgRoute(ctx, op.method as Method, path, handle)
      : userRoute(ctx, op.method as Method, path, handle)
  })
}

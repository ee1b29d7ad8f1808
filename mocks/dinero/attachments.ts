import type { Route } from '../routes.ts'
import { dineroJson, emptyOk } from './body.ts'
import type { DineroContext } from './context.ts'
import { orgRoute } from './endpoint.ts'
import { invalidRequest, notFound, validationError } from './errors.ts'
import { findFile } from './files.ts'
import type { Organisation } from './store.ts'

/**
 * Attachments (dinero-openapi, tag Attachments): files bound to a sales document, "an invoice,
 * trade-offer or credit-note".
 * - POST /v1/:org/attachments/:documentGuid/:fileGuid/:fileName → 200, empty: binds an uploaded
 *   file (archived or attachment-only, files.ts) under that name; binding it again renames it;
 * - POST /v1/:org/attachments/bind/default/:documentGuid/:documentType (`Invoice`, `TradeOffer`
 *   or `CreditNote`) → 200, empty: binds the organisation's default attachments (its settings;
 *   on the mock, the seeded files marked so) to the document;
 * - GET /v1/:org/attachments/:documentGuid → DocumentAttachmentReadModel[] `{OrganizationId,
 *   DocumentId, FileGuid, FileName}`, in the order bound;
 * - DELETE /v1/:org/attachments/:documentGuid/:fileGuid → 200, empty.
 * An unknown document or file, or a file not bound to the document on DELETE → 404 code 40.
 * assumption: open-dinero-unlisted-responses — a documentType outside the three → 400 code 45; a
 * file name longer than 255 characters → 400 code 42.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TYPES = ['Invoice', 'TradeOffer', 'CreditNote'] as const
type DocumentType = (typeof TYPES)[number]

function documentTables(ctx: DineroContext, org: Organisation) {
  return {
    Invoice: ctx.store.invoices(org.Id),
    TradeOffer: ctx.store.tradeOffers(org.Id),
    CreditNote: ctx.store.creditNotes(org.Id),
  } satisfies Record<DocumentType, { get(guid: string): unknown }>
}

/** The document's Guid as stored, of the given type or of any. */
function findDocument(
  ctx: DineroContext,
  org: Organisation,
  guid: string | undefined,
  type?: DocumentType,
): string {
  if (guid !== undefined && GUID.test(guid)) {
    const tables = documentTables(ctx, org)
    for (const t of type === undefined ? TYPES : [type]) {
      const row = tables[t].get(guid)
      if (row !== undefined) return row.guid
    }
  }
  throw notFound(type === undefined ? 'Document' : type)
}

export function attachmentRoutes(ctx: DineroContext): Route[] {
  const readModel = (org: Organisation, documentGuid: string) =>
    ctx.store
      .attachments(org.Id)
      .of(documentGuid)
      .map((a) => ({
        OrganizationId: org.Id,
        DocumentId: a.DocumentGuid,
        FileGuid: a.FileGuid,
        FileName: a.FileName,
      }))
  return [
    orgRoute(
      ctx,
      'POST',
      '/v1/:organizationId/attachments/bind/default/:documentGuid/:documentType',
      ({ req, org }) => {
        const type = TYPES.find((t) => t.toLowerCase() === (req.params.documentType ?? '').toLowerCase())
        if (type === undefined)
          throw invalidRequest(`documentType '${req.params.documentType}' is not one of ${TYPES.join(', ')}`)
        const doc = findDocument(ctx, org, req.params.documentGuid, type)
        const defaults = ctx.store
          .files(org.Id)
          .all()
          .filter((row) => row.data.DefaultAttachment)
        for (const row of defaults) ctx.store.attachments(org.Id).bind(doc, row.guid, row.data.Name)
        req.note({ attachmentsBound: defaults.length })
        return emptyOk()
      },
    ),
    orgRoute(ctx, 'GET', '/v1/:organizationId/attachments/:documentGuid', ({ req, org }) =>
      dineroJson(readModel(org, findDocument(ctx, org, req.params.documentGuid))),
    ),
    orgRoute(
      ctx,
      'POST',
      '/v1/:organizationId/attachments/:documentGuid/:fileGuid/:fileName',
      ({ req, org }) => {
        const doc = findDocument(ctx, org, req.params.documentGuid)
        const file = findFile(ctx, org, req.params.fileGuid, true)
        const name = req.params.fileName ?? ''
        if (name.trim() === '' || name.length > 255)
          throw validationError({ fileName: 'The fileName must be 1 to 255 characters.' })
        ctx.store.attachments(org.Id).bind(doc, file.guid, name)
        return emptyOk()
      },
    ),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/attachments/:documentGuid/:fileGuid', ({ req, org }) => {
      const doc = findDocument(ctx, org, req.params.documentGuid)
      if (!ctx.store.attachments(org.Id).unbind(doc, req.params.fileGuid ?? '')) throw notFound('Attachment')
      return emptyOk()
    }),
  ]
}

import { randomUUID } from 'node:crypto'
import type { Route, RouteRequest } from '../routes.ts'
import { dineroJson } from './body.ts'
import type { DineroContext } from './context.ts'
import { calendarDay } from './dates.ts'
import { type OrgCall, orgRoute } from './endpoint.ts'
import { CODES, DineroError, invalidFormat, invalidRequest, notFound, validationError } from './errors.ts'
import { dateTime, MAX_PAGE_SIZE, paginate } from './query.ts'
import type { FileData, Organisation, Row } from './store.ts'

/**
 * Files (dinero-openapi, tag Files) and the purchase-draft look-up by file:
 * - POST /v1/:org/files: multipart/form-data, the file in part `file` → 200 FileSavedReadModel
 *   `{FileGuid}` (32 lower-case letters and digits, not a Guid), into the file archive, and the
 *   `file.uploaded` webhook; POST /v1/:org/files/attachment: the same, but not in the archive
 *   (usable only with the attachment operations, attachments.ts);
 * - "If the file size is above 6 MB, then a status code 400 will be returned": a file of
 *   6 MB is taken, one byte more → 400 (dinero-api-errors lists 413 for it; the spec wins, as the
 *   served adapter answers 413 only for a body well past the limit);
 * - GET /v1/:org/files → a plain array of FilteredFileReadModel (archived files, oldest first):
 *   `extensions` (comma list, `pdf,png`), `uploadedBefore`/`uploadedAfter` (`yyyy/MM/dd`),
 *   `fileStatus` All|Used|Unused (Used: named by a purchase voucher, manual voucher or ledger
 *   item, listed in `Linked`), `page` (0-based) and `pageSize` (default 1000, at most 1000);
 * - GET /v1/:org/files/:fileGuid → the bytes as uploaded, with the upload's content type;
 * - GET /v1/:org/vouchers/purchase/fileguid/:fileGuid → the Guids of the purchase drafts made
 *   from that file (an array of uuid; empty when none is).
 * assumption: open-dinero-unlisted-responses — the statuses and bodies of the refusals are not
 * published; they are Dinero errors: "6 MB" is 6 × 1024 × 1024 bytes, and a larger file → 400
 * code 45; a body that is not multipart/form-data or cannot be read as one → 400 code 44; no
 * part `file` (or one without a file name) → 400 code 42 `{file: …}`; an empty file, or one
 * that is neither an image nor a PDF ("Accepts a posted image/pdf") → 400 code 45; a malformed
 * query value → 400 code 44, a page out of range → 400 code 45; an unknown FileGuid (or an
 * attachment-only file) → 404 code 40. `Name` is the file name as uploaded, extension included.
 * Deviation dinero.files-list-enveloped: the list comes in the paged lists' envelope.
 */
export const UPLOAD_LIMIT_BYTES = 6 * 1024 * 1024
/** Room for the multipart framing around a file of the limit's size. */
const MULTIPART_SLACK = 64 * 1024

/**
 * The body size the served adapter must let through to an upload path (its default limit is far
 * smaller), so the route itself answers a file over 6 MB; undefined for every other path.
 */
export function uploadBodyLimit(path: string): number | undefined {
  return /^\/v1\/[^/]+\/files(?:\/attachment)?\/?$/i.test(path)
    ? UPLOAD_LIMIT_BYTES + MULTIPART_SLACK
    : undefined
}

const FILE_GUID = /^[0-9a-z]{32}$/
const newFileGuid = () => randomUUID().replace(/-/g, '')

const TYPE_OF_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
}

const mediaType = (value: string | null) => (value ?? '').split(';')[0]!.trim().toLowerCase()
const extensionOf = (name: string) => /\.([0-9A-Za-z]{1,10})$/.exec(name)?.[1]?.toLowerCase() ?? ''

interface Upload {
  name: string
  extension: string
  contentType: string
  bytes: Uint8Array
}

/** The part `file` of a multipart/form-data body, checked as the header says. */
async function readUpload(req: RouteRequest): Promise<Upload> {
  if (mediaType(req.request.headers.get('content-type')) !== 'multipart/form-data') {
    await req.request.arrayBuffer()
    throw invalidFormat("The request must be multipart/form-data with the file in a part named 'file'")
  }
  let form: FormData
  try {
    form = await req.request.formData()
  } catch {
    throw invalidFormat('The multipart/form-data body could not be read')
  }
  // ASP.NET binds form names case-insensitively.
  const part = [...form.entries()].find(([name]) => name.toLowerCase() === 'file')?.[1]
  if (part === undefined || typeof part === 'string' || part.name === '')
    throw validationError({ file: 'The file field is required.' })
  const bytes = new Uint8Array(await part.arrayBuffer())
  if (bytes.length > UPLOAD_LIMIT_BYTES)
    throw invalidRequest(
      `The file is ${bytes.length} bytes; files above 6 MB (${UPLOAD_LIMIT_BYTES} bytes) are refused`,
    )
  if (bytes.length === 0) throw invalidRequest('The file is empty')
  const extension = extensionOf(part.name)
  const declared = mediaType(part.type)
  const known = TYPE_OF_EXTENSION[extension]
  const contentType =
    declared === 'application/pdf' || declared.startsWith('image/')
      ? declared
      : (declared === '' || declared === 'application/octet-stream') && known !== undefined
        ? known
        : undefined
  if (contentType === undefined)
    throw invalidRequest(`Only images and PDF files can be uploaded, not '${declared || part.name}'`)
  return { name: part.name, extension: extension || (contentType.split('/')[1] ?? ''), contentType, bytes }
}

/** The vouchers that name a file (FileLinkReadModel); a draft's VoucherId is 0. */
function linksOf(ctx: DineroContext, org: Organisation, fileGuid: string) {
  const key = fileGuid.toLowerCase()
  const links: { VoucherId: number; VoucherGuid: string; LinkedAt: string | null }[] = []
  const add = (rows: Row<{ FileGuid: string | null; VoucherNumber: number | null }>[]) => {
    for (const row of rows)
      if (row.deletedAt === null && row.data.FileGuid?.toLowerCase() === key)
        links.push({
          VoucherId: row.data.VoucherNumber ?? 0,
          VoucherGuid: row.guid,
          LinkedAt: dateTime(row.updatedAt),
        })
  }
  add(ctx.store.purchaseVouchers(org.Id).all())
  add(ctx.store.manualVouchers(org.Id).all())
  add(ctx.store.ledgerItems(org.Id).all())
  return links
}

/** A PDF's page count from its page objects; an image is one page. */
function pagesOf(file: FileData): number | null {
  if (file.ContentType.startsWith('image/')) return 1
  if (file.ContentType !== 'application/pdf') return null
  const pages = Buffer.from(file.Bytes)
    .toString('latin1')
    .match(/\/Type\s*\/Page(?![s\w])/g)
  return pages === null ? null : pages.length
}

const DAY = /^(\d{4})[/-](\d{2})[/-](\d{2})$/

function parseDay(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return undefined
  const m = DAY.exec(raw)
  const ms = m === null ? undefined : calendarDay(`${m[1]}-${m[2]}-${m[3]}`)
  if (ms === undefined) throw invalidFormat(`The value '${raw}' is not valid for ${name}; use yyyy/MM/dd`)
  return ms
}

function parseInt32(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return fallback
  if (!/^[+-]?\d{1,10}$/.test(raw)) throw invalidFormat(`The value '${raw}' is not valid for ${name}.`)
  return Number(raw)
}

const STATUSES = ['All', 'Used', 'Unused'] as const

function list(ctx: DineroContext, { req, org }: OrgCall): Response {
  const url = req.url
  const extensions = url.searchParams
    .getAll('extensions')
    .flatMap((v) => v.split(','))
    .map((e) => e.trim().replace(/^\./, '').toLowerCase())
    .filter((e) => e !== '')
  const before = parseDay(url, 'uploadedBefore')
  const after = parseDay(url, 'uploadedAfter')
  const rawStatus = url.searchParams.get('fileStatus') ?? 'All'
  const status = STATUSES.find((s) => s.toLowerCase() === rawStatus.toLowerCase())
  if (status === undefined)
    throw invalidFormat(`The value '${rawStatus}' is not valid for fileStatus; use All, Used or Unused`)
  let page = parseInt32(url, 'page', 0)
  let pageSize = parseInt32(url, 'pageSize', MAX_PAGE_SIZE)
  if (page < 0) throw invalidRequest('page must be 0 or greater')
  if (pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    throw invalidRequest(`pageSize must be between 1 and ${MAX_PAGE_SIZE}`)
  if (ctx.deviations.has('dinero.paging-ignored')) [page, pageSize] = [0, MAX_PAGE_SIZE]

  const items = ctx.store
    .files(org.Id)
    .all()
    .filter((row) => row.data.Archived)
    .filter((row) => extensions.length === 0 || extensions.includes(row.data.Extension))
    .filter((row) => before === undefined || row.createdAt < before)
    .filter((row) => after === undefined || row.createdAt >= after)
    .map((row) => ({ row, links: linksOf(ctx, org, row.guid) }))
    .filter(({ links }) => status === 'All' || (status === 'Used') === links.length > 0)
    .map(({ row, links }) => ({
      FileGuid: row.guid,
      Name: row.data.Name,
      Extension: row.data.Extension,
      Size: row.data.Bytes.length,
      UploadedAt: dateTime(row.createdAt),
      Note: null,
      NumberOfPages: pagesOf(row.data),
      Linked: links,
      UploadedBy: row.data.UploadedBy,
    }))
  if (ctx.deviations.has('dinero.files-list-enveloped'))
    return dineroJson(paginate(items, { page, pageSize }))
  return dineroJson(items.slice(page * pageSize, (page + 1) * pageSize))
}

/** The file a path names: archived, or (when `attachments` says so) attachment-only too. */
export function findFile(
  ctx: DineroContext,
  org: Organisation,
  fileGuid: string | undefined,
  attachments = false,
): Row<FileData> {
  const row =
    fileGuid !== undefined && FILE_GUID.test(fileGuid) ? ctx.store.files(org.Id).get(fileGuid) : undefined
  if (row === undefined || (!row.data.Archived && !attachments)) throw notFound('File')
  return row
}

/** RFC 6266 §4.3: an ASCII `filename` for old agents and the exact name as `filename*`. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

export function fileRoutes(ctx: DineroContext): Route[] {
  const upload = (archived: boolean) => async (call: OrgCall) => {
    const { req, org, caller } = call
    const file = await readUpload(req)
    const stored = ctx.store.files(org.Id).all()
    const bytes = stored.reduce((sum, row) => sum + row.data.Bytes.length, file.bytes.length)
    // The organisation's quota (DEFAULT_FILE_QUOTA in mocks/options.ts says why there is one).
    const quota = ctx.options.fileQuota
    if (bytes > quota.bytes || stored.length >= quota.files)
      throw new DineroError(
        400,
        CODES.LimitExceeded,
        `An organisation's files may hold at most ${quota.bytes} bytes in ${quota.files} files`,
      )
    const user = ctx.connect.options.users.find((u) => u.subject === caller.subject)
    const row = ctx.store.files(org.Id).insert(newFileGuid(), {
      Name: file.name,
      Extension: file.extension,
      ContentType: file.contentType,
      Bytes: file.bytes,
      Archived: archived,
      DefaultAttachment: false,
      UploadedBy: user?.name ?? null,
    })
    if (row === undefined) throw new Error('file guid collision')
    req.note({ fileGuid: row.guid, fileBytes: file.bytes.length })
    if (archived) ctx.webhooks.emit(org.Id, 'file.uploaded', row.guid)
    return dineroJson({ FileGuid: row.guid })
  }
  return [
    orgRoute(ctx, 'POST', '/v1/:organizationId/files', upload(true)),
    orgRoute(ctx, 'POST', '/v1/:organizationId/files/attachment', upload(false)),
    orgRoute(ctx, 'GET', '/v1/:organizationId/files', (call) => list(ctx, call)),
    orgRoute(ctx, 'GET', '/v1/:organizationId/files/:fileGuid', ({ req, org }) => {
      const row = findFile(ctx, org, req.params.fileGuid)
      return new Response(row.data.Bytes as unknown as BodyInit, {
        status: 200,
        headers: { 'content-type': row.data.ContentType, 'content-disposition': disposition(row.data.Name) },
      })
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/vouchers/purchase/fileguid/:fileGuid', ({ req, org }) => {
      const key = (req.params.fileGuid ?? '').toLowerCase()
      return dineroJson(
        ctx.store
          .purchaseVouchers(org.Id)
          .all()
          .filter((row) => row.deletedAt === null && row.data.Status === 'Draft')
          .filter((row) => row.data.FileGuid?.toLowerCase() === key)
          .map((row) => row.guid),
      )
    }),
  ]
}

/**
 * A small, valid one-page PDF for the documents Dinero serves as `application/pdf` (invoices, trade
 * offers, credit notes) so a client's PDF parser opens what the mock answers.
 *
 * Enforces the file structure of ISO 32000-1 (PDF 1.7) §7.5: a `%PDF-` header, indirect objects,
 * a cross-reference table whose entries are the exact byte offsets of those objects (20-byte lines),
 * a trailer naming `/Root` and `/Size`, `startxref` pointing at the `xref` keyword, and `%%EOF`.
 * Text is drawn with the standard Helvetica font (§9.6.2.2, no embedding needed) in a content
 * stream whose `/Length` is its byte length. Non-ASCII characters become `?` so offsets stay the
 * byte counts of ASCII text.
 */

const encoder = new TextEncoder()

/** A PDF literal string (§7.3.4.2): ASCII only, with `\`, `(` and `)` escaped. */
function pdfString(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?')
  return `(${ascii.replace(/[\\()]/g, (c) => `\\${c}`)})`
}

/** A one-page A4 PDF whose page shows `title` in large type and then each of `lines`. */
export function documentPdf(title: string, lines: string[]): Uint8Array<ArrayBuffer> {
  const text = [
    'BT',
    '/F1 18 Tf',
    '56 780 Td',
    `${pdfString(title)} Tj`,
    '/F1 11 Tf',
    '0 -28 Td',
    ...lines.flatMap((line) => [`${pdfString(line)} Tj`, '0 -15 Td']),
    'ET',
  ].join('\n')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    `<< /Title ${pdfString(title)} /Producer (dinero-conformance mock) >>`,
  ]
  // The second header line is the comment of bytes above 127 that §7.5.2 recommends so tools treat
  // the file as binary; offsets are therefore counted on the encoded bytes, not on characters.
  const header = new Uint8Array([...encoder.encode('%PDF-1.7\n%'), 0xe2, 0xe3, 0xcf, 0xd3, 0x0a])
  let length = header.length
  const chunks: Uint8Array[] = [header]
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(length)
    const bytes = encoder.encode(`${index + 1} 0 obj\n${object}\nendobj\n`)
    chunks.push(bytes)
    length += bytes.length
  })
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f\r',
    ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n\r`),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>`,
    'startxref',
    String(length),
    '%%EOF',
    '',
  ].join('\n')
  const trailer = encoder.encode(xref)
  chunks.push(trailer)
  const out = new Uint8Array(length + trailer.length)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}

/**
 * Whether a GET asks for the document as a PDF: dinero-openapi has clients "set Accept header to
 * 'application/json' or 'application/octet-stream'"; `application/pdf` is taken the same way.
 */
export function acceptsPdf(request: Request): boolean {
  const accept = request.headers.get('accept') ?? ''
  return /application\/(?:pdf|octet-stream)/i.test(accept) && !/application\/json/i.test(accept)
}

// assumption: open-dinero-unlisted-responses — the content type of Dinero's PDF answer is not
// published; the mock answers the type the client asked for, so either Accept is satisfied.
/** A 200 carrying `documentPdf(title, lines)` as the type the request's Accept named. */
export function pdfResponse(request: Request, title: string, lines: string[]): Response {
  const type = /application\/pdf/i.test(request.headers.get('accept') ?? '')
    ? 'application/pdf'
    : 'application/octet-stream'
  return new Response(documentPdf(title, lines), { status: 200, headers: { 'content-type': type } })
}

/** The fields of a sales document's read model (invoice, credit note, trade offer) its PDF shows. */
export interface PrintableDocument {
  ContactName: string | null
  Date: string | null
  Currency: string | null
  ProductLines: readonly {
    Description: string | null
    Quantity: number
    BaseAmountValue: number
    TotalAmount: number
  }[]
  TotalExclVat: number
  TotalVat: number
  TotalInclVat: number
}

/** The text lines of a sales document's PDF: who, when, one line per product line, the totals. */
export function documentLines(doc: PrintableDocument): string[] {
  const money = (n: number) => `${n.toFixed(2)} ${doc.Currency ?? 'DKK'}`
  return [
    `Kunde: ${doc.ContactName ?? '-'}`,
    `Dato: ${doc.Date ?? '-'}`,
    '',
    ...doc.ProductLines.map(
      (l) => `${l.Description ?? ''}  ${l.Quantity} x ${money(l.BaseAmountValue)} = ${money(l.TotalAmount)}`,
    ),
    '',
    `Subtotal: ${money(doc.TotalExclVat)}`,
    `Moms: ${money(doc.TotalVat)}`,
    `Total: ${money(doc.TotalInclVat)}`,
  ]
}

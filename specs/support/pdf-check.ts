/**
 * A strict reader of the small PDFs the mock writes, after ISO 32000-1 §7.5 (file structure): the
 * `%PDF-` header, `startxref` naming the byte offset of the `xref` keyword, one cross-reference
 * section whose 20-byte entries give each object's exact offset, a trailer with `/Size` and
 * `/Root`, a catalog whose page tree counts its pages, stream `/Length`s that match their bytes,
 * and the strings the content streams show with `Tj`. Throws on the first thing a PDF parser
 * would have to repair.
 */
export interface PdfReading {
  version: string
  pageCount: number
  /** Every string shown with `Tj`, unescaped, in content-stream order. */
  texts: string[]
  /** The trailer's /Info /Title, if any. */
  title: string | undefined
}

const literal = (s: string) =>
  s.replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_, c: string) =>
    /^[0-7]+$/.test(c)
      ? String.fromCharCode(Number.parseInt(c, 8))
      : (({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[c] ?? c),
  )

const fail = (why: string): never => {
  throw new Error(`invalid PDF: ${why}`)
}

const ref = (dict: string, key: string) => {
  const m = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(dict)
  return m === null ? undefined : Number(m[1])
}

export function readPdf(bytes: Uint8Array): PdfReading {
  // latin1 maps each byte to one character, so string offsets are byte offsets.
  const text = Buffer.from(bytes).toString('latin1')
  const header = /^%PDF-(\d\.\d)\r?\n/.exec(text) ?? fail('no %PDF- header')
  const tail = /startxref\r?\n(\d+)\r?\n%%EOF\r?\n?$/.exec(text) ?? fail('no startxref … %%EOF at the end')
  const xrefAt = Number(tail[1])
  if (!text.startsWith('xref', xrefAt)) fail(`startxref ${xrefAt} does not point at "xref"`)
  const section = /^xref\r?\n(\d+) (\d+)\r?\n/.exec(text.slice(xrefAt)) ?? fail('no xref subsection header')
  const first = Number(section[1])
  const count = Number(section[2])
  const entriesAt = xrefAt + section[0].length
  const objects = new Map<number, string>()
  for (let i = 0; i < count; i++) {
    const entry = text.slice(entriesAt + i * 20, entriesAt + (i + 1) * 20)
    const m =
      /^(\d{10}) (\d{5}) ([nf])(?:\r\n| \r| \n)$/.exec(entry) ?? fail(`xref entry ${i} is not 20 bytes`)
    if (m[3] === 'f') continue
    const number = first + i
    const offset = Number(m[1])
    const opening = `${number} 0 obj`
    if (!text.startsWith(opening, offset)) fail(`xref offset ${offset} of object ${number} is wrong`)
    const end = text.indexOf('endobj', offset)
    if (end < 0) fail(`object ${number} has no endobj`)
    objects.set(number, text.slice(offset + opening.length, end))
  }
  const trailer =
    /^trailer\r?\n(<<[\s\S]*?>>)\r?\n/.exec(text.slice(entriesAt + count * 20)) ??
    fail('no trailer after xref')
  const size = /\/Size\s+(\d+)/.exec(trailer[1]!)?.[1]
  if (Number(size) !== first + count) fail(`trailer /Size ${size} is not ${first + count}`)
  const catalog = objects.get(ref(trailer[1]!, 'Root') ?? -1) ?? fail('trailer /Root names no object')
  if (!/\/Type\s*\/Catalog/.test(catalog)) fail('/Root is not a /Catalog')
  const pages = objects.get(ref(catalog, 'Pages') ?? -1) ?? fail('catalog /Pages names no object')
  const pageCount = Number(/\/Count\s+(\d+)/.exec(pages)?.[1] ?? fail('page tree has no /Count'))

  const texts: string[] = []
  for (const [number, body] of objects) {
    const start = /stream\r?\n/.exec(body)
    if (start === null) continue
    const length = Number(/\/Length\s+(\d+)/.exec(body)?.[1] ?? fail(`stream ${number} has no /Length`))
    const data = body.slice(start.index + start[0].length)
    if (!/^\r?\n?endstream/.test(data.slice(length))) fail(`stream ${number} is not ${length} bytes long`)
    for (const m of data.slice(0, length).matchAll(/\(((?:\\.|[^\\)])*)\)\s*Tj/g)) texts.push(literal(m[1]!))
  }
  const info = objects.get(ref(trailer[1]!, 'Info') ?? -1)
  const title = info === undefined ? undefined : /\/Title\s*\(((?:\\.|[^\\)])*)\)/.exec(info)?.[1]
  return { version: header[1]!, pageCount, texts, title: title === undefined ? undefined : literal(title) }
}

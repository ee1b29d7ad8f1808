import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestResult } from 'allure-js-commons'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_CLIENT_SECRET, ENCODING_CLIENT_SECRET } from '../../mocks/options.ts'
import { ResultWriter } from '../../vitest.config.ts'
import { tempDir } from '../live/support/process.ts'

/**
 * `npm test`'s own Allure results (reports/allure-results-vitest) hold no client secret of the
 * mock: test titles and attachments quote them, and a `live` rehearsal against the mock with its
 * default client, writing into the same reports folder, failed its leak scan on those files.
 */
const tmp = tempDir('vitest-allure')
afterAll(() => tmp.cleanup())

describe("npm test's Allure writer", () => {
  it('redacts the mock client secrets in results, attachments and copied attachments, whole, URL-encoded and in a Basic header; a screenshot keeps its bytes', () => {
    const writer = new ResultWriter({ resultsDir: tmp.dir })
    const basic = Buffer.from(`isv_conformance_test:${DEFAULT_CLIENT_SECRET}`).toString('base64')
    writer.writeResult({
      uuid: 'r1',
      name: `POST /connect/token with ${DEFAULT_CLIENT_SECRET} → 200`,
    } as TestResult)
    writer.writeAttachment('a1-attachment.txt', Buffer.from(`authorization: Basic ${basic}`))
    const copied = join(tmp.dir, 'source.txt')
    writeFileSync(copied, `client_secret=${encodeURIComponent(ENCODING_CLIENT_SECRET)}`)
    writer.writeAttachmentFromPath('a2-attachment.txt', copied)
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0xff, 0xfe, 0x00, 0x10])
    writer.writeAttachment('a3-attachment.png', png)

    expect(JSON.parse(readFileSync(join(tmp.dir, 'r1-result.json'), 'utf8'))).toEqual({
      uuid: 'r1',
      name: 'POST /connect/token with [redacted] → 200',
    })
    expect(readFileSync(join(tmp.dir, 'a1-attachment.txt'), 'utf8')).toMatch(
      /^authorization: Basic (\[redacted\])+$/,
    )
    expect(readFileSync(join(tmp.dir, 'a2-attachment.txt'), 'utf8')).toBe('client_secret=[redacted]')
    expect(readFileSync(join(tmp.dir, 'a3-attachment.png')).equals(png)).toBe(true)
    const everything = readdirSync(tmp.dir)
      .filter((f) => f !== 'source.txt')
      .map((f) => readFileSync(join(tmp.dir, f), 'latin1'))
      .join('\n')
    expect(everything).not.toContain(DEFAULT_CLIENT_SECRET)
  })
})

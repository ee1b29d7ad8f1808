import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Globals, TestResult, TestResultContainer } from 'allure-js-commons'
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { JUnitReporter } from 'vitest/reporters'
import { DEFAULT_CLIENT_SECRET, ENCODING_CLIENT_SECRET } from '../../mocks/options.ts'
import { JUnitWriter, ResultWriter } from '../../vitest.config.ts'
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

  it("redacts them in containers, globals (a failed hook's message), the environment, and a text attachment holding a NUL byte and a non-ASCII secret", () => {
    const dir = join(tmp.dir, 'more')
    const writer = new ResultWriter({ resultsDir: dir })
    mkdirSync(dir)
    writer.writeGroup({ uuid: 'g1', name: `fixture ${DEFAULT_CLIENT_SECRET}` } as TestResultContainer)
    writer.writeGlobals('x-globals.json', {
      errors: [{ message: `beforeAll hook failed: client_secret=${DEFAULT_CLIENT_SECRET}`, timestamp: 1 }],
      attachments: [],
    } as Globals)
    writer.writeEnvironmentInfo({ secret: `is ${DEFAULT_CLIENT_SECRET}`, plain: 'node 20' })
    writer.writeAttachment('nul-attachment.txt', Buffer.from(`a\u0000b ${ENCODING_CLIENT_SECRET} c`, 'utf8'))
    const files = readdirSync(dir)
    expect(files.sort()).toEqual([
      'environment.properties',
      'g1-container.json',
      'nul-attachment.txt',
      'x-globals.json',
    ])
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8')
      expect(text, f).not.toContain(DEFAULT_CLIENT_SECRET)
      expect(text, f).not.toContain(ENCODING_CLIENT_SECRET)
    }
    expect(readFileSync(join(dir, 'nul-attachment.txt'), 'utf8')).toBe('a\u0000b [redacted] c')
    expect(readFileSync(join(dir, 'environment.properties'), 'utf8')).toContain('node 20')
  })

  it("the JUnit file (vitest's own reporter) is redacted once written: a failure message quoting the secret", async () => {
    const file = join(tmp.dir, 'junit.xml')
    const written = vi
      .spyOn(JUnitReporter.prototype, 'onTestRunEnd')
      .mockImplementation(async () =>
        writeFileSync(file, `<failure message="client_secret=${DEFAULT_CLIENT_SECRET}"/>`),
      )
    onTestFinished(() => written.mockRestore())
    await new JUnitWriter({ outputFile: file }).onTestRunEnd([])
    expect(written).toHaveBeenCalledOnce()
    expect(readFileSync(file, 'utf8')).toBe('<failure message="client_secret=[redacted]"/>')
  })
})

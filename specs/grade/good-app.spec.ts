import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { gradeApp, PROBES } from '../../scripts/grade/index.ts'

/**
 * The grader against the well-behaved example app, started by the grader itself: every probe
 * passes, both reports are written, and the client secret the app was given is in neither.
 */
describe('grading examples/good-app (the grader starts it)', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('passes every probe, writes JUnit and Markdown reports, and leaks no secret into them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grade-good-'))
    dirs.push(dir)
    const secret = `s3cr3t-${randomBytes(12).toString('hex')}`
    const result = await gradeApp({
      app: { command: 'node --import tsx examples/good-app/server.ts' },
      clientSecret: secret,
      reportsDir: dir,
    })
    const failed = result.probes.filter((p) => p.verdict !== 'pass').map((p) => `${p.id}: ${p.summary}`)
    expect(failed).toEqual([])
    expect(result.passed).toBe(true)
    expect(result.probes.map((p) => p.id)).toEqual(PROBES.map((p) => p.id))

    const junit = await readFile(join(dir, 'grade-junit.xml'), 'utf8')
    const markdown = await readFile(join(dir, 'grade.md'), 'utf8')
    expect(junit.match(/<testcase /g)).toHaveLength(PROBES.length)
    expect(junit).toContain(`failures="0" errors="0"`)
    for (const p of PROBES) expect(markdown).toContain(`\`${p.id}\``)
    expect(markdown).toContain('RFC 7636 §4.2')
    for (const text of [junit, markdown, JSON.stringify(result)]) expect(text).not.toContain(secret)
  })
})

import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mocks/create-mock.ts'
import { type ServedMock, serveMock } from '../../mocks/http/serve.ts'

/**
 * The README's control-surface commands, run verbatim with curl against a served mock (only the
 * documented port replaced by the one picked): the Origin, Host and content-type rules leave
 * every documented command working.
 */
const run = promisify(execFile)

function readmeCommands(): string[] {
  const readme = readFileSync('README.md', 'utf8')
  const section = readme.slice(readme.indexOf('## The control surface'))
  const block = section.slice(
    section.indexOf('```sh') + 5,
    section.indexOf('```', section.indexOf('```sh') + 5),
  )
  return block
    .split('\n')
    .filter((line) => line.startsWith('curl '))
    .map((line) => line.replace(/\s{2,}#.*$/, '').trim())
}

describe('the README control-surface commands, verbatim through curl', () => {
  let mock: Mock
  let served: ServedMock
  const commands = readmeCommands()
  beforeAll(async () => {
    mock = createMock()
    served = await serveMock(mock, { port: 0 })
  })
  afterAll(() => served.close())

  it('the README documents at least the reset, clock, deviations, settings, journal, faults and lifecycle commands', () => {
    expect(commands.length).toBeGreaterThanOrEqual(19)
    for (const path of ['reset', 'clock', 'deviations', 'settings', 'journal', 'faults', 'lifecycle'])
      expect(commands.some((c) => c.includes(`/__mock/${path}`))).toBe(true)
  })

  it('every command answers 2xx in the order documented, and the state changes as described', async () => {
    const answers: [string, string][] = []
    for (const command of commands) {
      const local = command.replaceAll('http://127.0.0.1:4010', served.origin)
      const { stdout } = await run('sh', ['-c', `${local} -sS -o /dev/null -w '%{http_code}'`])
      answers.push([command, stdout])
    }
    expect(answers.filter(([, code]) => !/^2\d\d$/.test(code))).toEqual([])
    expect(mock.deviations.list()).toContain('code.allow-reuse')
    // +301 then -301: the clock is back on real time within a second.
    expect(Math.abs(mock.clock.now() - Date.now())).toBeLessThan(1_000)
    expect(mock.store.dinero.organisation(118244)?.IsPro).toBe(false)
  })
})

import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { DEFAULT_CLIENT_SECRET } from '../../mocks/options.ts'
import { freePort } from '../../scripts/grade/app.ts'
import { DEFAULT_GRADE_CLIENT_ID, GradeError, gradeApp } from '../../scripts/grade/index.ts'
import { groupAlive, pidAlive, statField } from '../../scripts/processes.ts'
import { startZombie } from '../support/zombie.ts'

/**
 * Grading an app that is already running (`--app <URL>`): the integrator starts it pointed at the
 * mock's port, the grader serves the mock there and drives it. And the harness errors a user
 * meets first: an app that never answers, a start command that dies.
 */
describe('grading an app that is already running', () => {
  let child: ChildProcess | undefined
  afterEach(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    child = undefined
  })

  it('grades examples/good-app reached by URL on the mock port it was configured with: every probe passes', async () => {
    const [mockPort, appPort] = [await freePort(), await freePort()]
    const appUrl = `http://127.0.0.1:${appPort}`
    child = spawn(process.execPath, ['--import', 'tsx', 'examples/good-app/server.ts'], {
      stdio: 'ignore',
      env: {
        ...process.env,
        DINERO_CONNECT_URL: `http://127.0.0.1:${mockPort}`,
        DINERO_API_URL: `http://127.0.0.1:${mockPort}`,
        DINERO_CLIENT_ID: DEFAULT_GRADE_CLIENT_ID,
        DINERO_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
        DINERO_REDIRECT_URI: `${appUrl}/callback`,
      },
    })
    const result = await gradeApp({ app: { url: appUrl }, mockPort, reportsDir: false, concurrency: 4 })
    expect(result.probes.filter((p) => p.verdict !== 'pass').map((p) => `${p.id}: ${p.summary}`)).toEqual([])
    expect(result.files).toEqual({})
    expect(result.observations.redirectUri).toBe(`${appUrl}/callback`)
  })

  it('an app that never answers GET /status is a GRADE_APP_UNREACHABLE error, not a grade', async () => {
    const port = await freePort()
    const attempt = gradeApp({ app: { url: `http://127.0.0.1:${port}` }, mockPort: 0, startupTimeoutMs: 300 })
    await expect(attempt).rejects.toThrow(GradeError)
    await expect(attempt).rejects.toMatchObject({ code: 'GRADE_APP_UNREACHABLE' })
  })

  it('a start command that exits at once is a GRADE_APP_EXITED error carrying its output', async () => {
    const attempt = gradeApp({
      app: { command: `"${process.execPath}" -e "console.error('boom: no config'); process.exit(3)"` },
      reportsDir: false,
    })
    await expect(attempt).rejects.toMatchObject({
      code: 'GRADE_APP_EXITED',
      message: expect.stringContaining('boom: no config'),
    })
  })

  it('an app that ignores SIGTERM is killed with its process group when grading ends: nothing of it is left running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grade-stubborn-'))
    try {
      const pidFile = join(dir, 'pid')
      const app = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)`
      const attempt = gradeApp({
        app: { command: `"${process.execPath}" -e ${JSON.stringify(app)}` },
        reportsDir: false,
        startupTimeoutMs: 1_500,
        stopTimeoutMs: 300,
      })
      await expect(attempt).rejects.toMatchObject({ code: 'GRADE_APP_UNREACHABLE' })
      const pid = Number(readFileSync(pidFile, 'utf8'))
      // Gone, or dead and waiting to be reaped (its shell is gone, so it belongs to init now).
      expect(stateOf(pid)).toMatch(/^(gone|Z)$/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('an app that ignores SIGTERM and keeps handing itself on to a new process (fork, exit) is killed too: nothing of its group is left running', async () => {
    // Found by an adversarial pass: one listing of /proc missed the member forked after it, the
    // group read as gone, the SIGKILL was skipped and the chain ran on with its port.
    const dir = mkdtempSync(join(tmpdir(), 'grade-hop-'))
    try {
      const hop = join(dir, 'hop.sh')
      const pgidFile = join(dir, 'pgid')
      writeFileSync(
        hop,
        [
          "trap '' TERM",
          // Written once, whole (the file is read while later links of the chain run this line).
          `[ -e ${pgidFile} ] || { cut -d' ' -f5 /proc/$$/stat > ${pgidFile}.tmp && mv ${pgidFile}.tmp ${pgidFile}; }`,
          `(sleep 0.003; exec sh ${hop}) &`,
          'exit 0',
        ].join('\n'),
      )
      // groupAlive on such a chain: one listing of /proc read it as gone about half the time, and
      // four listings in a row still 26 times in 100 during a full npm test; reading the pids
      // that are new in each further listing leaves none (a miss would cost only an early
      // SIGKILL: the stop sends it to whatever still answers signal 0 after the wait).
      const chain = spawn('sh', [hop], { detached: true, stdio: 'ignore' })
      try {
        await new Promise((r) => setTimeout(r, 100))
        const looks: boolean[] = []
        for (let i = 0; i < 200; i++) {
          looks.push(groupAlive(chain.pid!))
          await new Promise((r) => setTimeout(r, 1 + (i % 5)))
        }
        expect(looks.filter((alive) => !alive).length).toBe(0)
      } finally {
        process.kill(-chain.pid!, 'SIGKILL')
        rmSync(pgidFile, { force: true })
      }
      const attempt = gradeApp({
        app: { command: `sh ${hop}` },
        reportsDir: false,
        startupTimeoutMs: 800,
        stopTimeoutMs: 300,
      })
      // The shell that leads the group exits at once: to the grader the app exited, yet its group runs on.
      await expect(attempt).rejects.toMatchObject({ code: 'GRADE_APP_EXITED' })
      const pgid = Number(readFileSync(pgidFile, 'utf8'))
      expect(pgid).toBeGreaterThan(1)
      // Every member dead and reaped (init reaps the orphans, ~1.5 s here): the group is gone.
      let gone = false
      for (let i = 0; i < 60 && !gone; i++) {
        await new Promise((r) => setTimeout(r, 50))
        try {
          process.kill(-pgid, 0)
        } catch {
          gone = true
        }
      }
      expect(gone).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the output quoted of an app that exits never carries its client secret (as given, URL-encoded, in a Basic header) or a token or code it printed', async () => {
    const secret = 'grade+secret/with=wire&forms'
    const printed = [
      'secret %DINERO_CLIENT_SECRET%',
      `encoded ${encodeURIComponent(secret)}`,
      `basic ${Buffer.from(`${DEFAULT_GRADE_CLIENT_ID}:${encodeURIComponent(secret)}`).toString('base64')}`,
      `token ${ACCESS_TOKEN}`,
      `refresh ${'A1'.repeat(32)}`,
    ]
    const script = printed.map(
      (line) =>
        `console.log(${JSON.stringify(line)}.replace('%DINERO_CLIENT_SECRET%', process.env.DINERO_CLIENT_SECRET))`,
    )
    const attempt = gradeApp({
      app: { command: `"${process.execPath}" -e ${JSON.stringify(`${script.join(';')};process.exit(3)`)}` },
      clientSecret: secret,
      reportsDir: false,
    })
    const error = (await attempt.catch((e: unknown) => e)) as GradeError
    expect(error.code).toBe('GRADE_APP_EXITED')
    const output = error.message.slice(error.message.indexOf('--- app output ---'))
    expect(output.split('\n').slice(1)).toEqual([
      'secret [redacted]',
      'encoded [redacted]',
      'basic [redacted]',
      'token [redacted]',
      'refresh [redacted]',
    ])
  })
})

describe('stopping an app whose processes are gone but not yet reaped', () => {
  it('a process group whose only member is a zombie counts as gone (groupAlive false), though it still answers signal 0', async () => {
    const { pid: pgid, dead } = await startZombie({ ownGroup: true })
    expect(stateOf(pgid)).toMatch(/^[RS]$/)
    expect(groupAlive(pgid)).toBe(true)
    await dead()
    expect(stateOf(pgid)).toBe('Z')
    expect(() => process.kill(-pgid, 0)).not.toThrow()
    expect(groupAlive(pgid)).toBe(false)
  })

  it('a process whose main thread has ended while another thread runs shows Z, yet counts as alive (groupAlive and pidAlive true), so an app in that state is still killed', async () => {
    // Found by an adversarial pass: an app that ignored SIGTERM and whose main thread had exited
    // was taken for gone, the SIGKILL skipped, and it went on serving its port.
    const script = [
      'import threading, ctypes, time, os',
      'threading.Thread(target=lambda: time.sleep(10)).start()',
      'print(os.getpid(), flush=True)',
      'ctypes.CDLL(None).pthread_exit(None)',
    ].join('\n')
    const app = spawn('python3', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] })
    onTestFinished(() => {
      process.kill(-app.pid!, 'SIGKILL')
    })
    const [line] = (await once(app.stdout!, 'data')) as [Buffer]
    const pid = Number(line.toString().trim())
    for (let i = 0; i < 300 && stateOf(pid) !== 'Z'; i++) await new Promise((r) => setTimeout(r, 10))
    expect(stateOf(pid)).toBe('Z')
    expect(groupAlive(pid)).toBe(true)
    expect(pidAlive(pid)).toBe(true)
  })
})

/** A process's state letter from /proc (R, S, Z, …), or `gone`. */
const stateOf = (pid: number): string => statField(pid, 0) ?? 'gone'

/** A JWT's shape (header, payload, signature): what an app's log line of its access token looks like. */
const ACCESS_TOKEN = `${Buffer.from('{"alg":"RS256","typ":"at+jwt"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.c2lnbmF0dXJl`

/**
 * A served mock in its own process, so the memory spec measures the mock and not the load
 * generator. Sends its origin over IPC, then answers `measure` with its memory after a full GC
 * and the journal's own accounting. Run with `--expose-gc`.
 */
import { createMock } from '../../../mocks/create-mock.ts'
import { serveMock } from '../../../mocks/http/serve.ts'

const mock = createMock()
const served = await serveMock(mock, { port: 0 })
const gc = (globalThis as { gc?: () => void }).gc
process.on('message', (message) => {
  if (message === 'measure') {
    gc?.()
    const { rss, heapUsed } = process.memoryUsage()
    process.send?.({ rss, heapUsed, journalBytes: mock.journal.bytes, journalSize: mock.journal.size })
  } else if (message === 'close') {
    served.close().then(() => process.exit(0))
  }
})
process.send?.({ origin: served.origin })

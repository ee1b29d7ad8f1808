import { join, resolve } from 'node:path'

/**
 * Where the unmodified Python OAuth clients live: the example that drives them, its pinned
 * requirements, and the virtual environment `npm test`'s pretest makes for them
 * (scripts/ensure-test-tools.ts). Under node_modules/.cache, so `npm ci` starts it afresh and
 * git never sees it.
 */
const ROOT = resolve(import.meta.dirname, '..')
const venv = join(ROOT, 'node_modules/.cache/dinero-conformance/python-clients')

export const PYTHON_CLIENTS = {
  venv,
  python: join(venv, 'bin/python'),
  /** A copy of the requirements.txt the venv was made from, written once pip succeeded. */
  stamp: join(venv, 'requirements.installed.txt'),
  requirements: join(ROOT, 'examples/python-client/requirements.txt'),
  flows: join(ROOT, 'examples/python-client/flows.py'),
} as const

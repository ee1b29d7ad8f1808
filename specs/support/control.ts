import type { Reply, Target } from '../../scripts/targets/targets.ts'

/**
 * A request to the mock's control surface as curl sends one (README "The control surface"):
 * `POST <path>` with a JSON body. `path` is `/__mock/…`, on the target's Connect origin.
 */
export function controlPost(t: Target, path: string, body: unknown, method = 'POST'): Promise<Reply> {
  return t.call('connect', path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}
